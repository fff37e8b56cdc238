"""The dashboard's pages. Each translates query and form fields into the same services the chat uses;
reads change nothing (and are not audited), the two actions (ask an expert, assign a document owner)
go through ``EscalationService`` / ``DocumentOwners`` and so are audited there."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.db import people as people_db
from bot.experts.commands import escalate
from bot.experts.gaps import gap_report
from bot.records.audit import verify_chain
from bot.records.cohort import CELL_STATES, build_matrix, render_matrix_csv
from bot.records.passport import render_pdf
from bot.service.oversight import EXPIRY_WINDOWS, audit_events, knowledge_overview, parse_record, queues, scope_ids

from .app import flash, refuse, render, viewer


def _ctx(request: Request):
    return request.app.state.ctx


def _int(value: str | None, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int | None:
    try:
        return max(lo, min(hi, int(value))) if value not in (None, "") else default
    except ValueError:
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "export"


def home(request: Request) -> Response:
    me, scope = viewer(request)
    if not scope.oversees and not (scope.ids - {me.id}):
        return RedirectResponse(f"/people/{me.id}", status_code=303)  # a trainee: their own passport
    return RedirectResponse("/matrix", status_code=303)


# -- cohort matrix ------------------------------------------------------------------------------------------
def _matrix_args(request: Request) -> dict:
    q = request.query_params
    return {"site": q.get("site") or None, "band": q.get("band") or None, "pathway": q.get("pathway") or None,
            "mentor_id": _int(q.get("mentor"))}


def _build_matrix(request: Request):
    ctx = _ctx(request)
    me, scope = viewer(request)
    args = _matrix_args(request)
    with ctx.records.sessions() as session:
        m = build_matrix(session, ctx.records.framework, scope, ctx.records.clock(), **args)
        options = people_db.filter_values(session, **scope.query)
        mentors = people_db.mentors_with_trainees(session, scope_ids(session, scope))
    return me, scope, args, m, options, mentors


def matrix(request: Request) -> Response:
    me, scope, args, m, options, mentors = _build_matrix(request)
    pathways = {p: request.app.state.ctx.records.framework.pathways[p].title if p in
                request.app.state.ctx.records.framework.pathways else p for p in options["pathway"]}
    return render(request, "matrix.html", who=(me, scope), active="matrix", title="Cohort matrix", m=m, args=args,
                  options=options, pathways=pathways, mentors=mentors, states=CELL_STATES,
                  query=request.url.query)


def matrix_csv(request: Request) -> Response:
    _, _, args, m, _, _ = _build_matrix(request)
    name = "-".join(_slug(str(v)) for v in args.values() if v) or "all"
    return Response(render_matrix_csv(m), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="cohort-matrix-{name}.csv"'})


# -- person ---------------------------------------------------------------------------------------------------
def _visible_person(request: Request):
    ctx = _ctx(request)
    me, scope = viewer(request)
    pid = request.path_params["person_id"]
    with ctx.records.sessions() as session:
        person = people_db.get_person(session, pid)
        mentors = [people_db.get_person(session, m) for m in people_db.active_mentor_ids(session, pid)] if person else []
    if person is None or not scope.allows(person):
        return me, scope, None, []
    return me, scope, person, mentors


def person(request: Request) -> Response:
    me, scope, who, mentors = _visible_person(request)
    if who is None:
        return refuse(request, 404, "No such person here", "There is no one with that number among the people you "
                      "can see. Use the matrix to find people; ask your training lead if someone is missing.", (me, scope))
    passport = _ctx(request).records.passport(who.id)
    return render(request, "person.html", who=(me, scope), active="person" if who.id == me.id else "matrix",
                  title=who.name, p=passport, mentors=mentors)


def passport_pdf(request: Request) -> Response:
    me, scope, who, _ = _visible_person(request)
    if who is None:
        return refuse(request, 404, "No such person here", "There is no one with that number among the people you can see.",
                      (me, scope))
    pdf = render_pdf(_ctx(request).records.passport(who.id))
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="training-record-{_slug(who.email.split("@")[0])}.pdf"'})


# -- queues -----------------------------------------------------------------------------------------------------
def queues_page(request: Request) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    days = _int(request.query_params.get("days"), ctx.settings.reminder_after_days, 0, 365)
    within = _int(request.query_params.get("within"), 30)
    within = within if within in EXPIRY_WINDOWS else 30
    now = ctx.records.clock()
    with ctx.records.sessions() as session:
        q = queues(session, scope, now, days, within)
    return render(request, "queues.html", who=(me, scope), active="queues", title="Queues", q=q, now=now,
                  windows=EXPIRY_WINDOWS)


# -- knowledge ----------------------------------------------------------------------------------------------------
def _overview(ctx):
    try:
        manifest = ctx.kb.live.snapshot.manifest
    except Exception:  # noqa: BLE001 — no index yet: the page says so
        manifest = None
    today = ctx.records.clock().astimezone(dt.timezone.utc).date()
    with ctx.records.sessions() as session:
        return knowledge_overview(session, manifest, today)


def knowledge(request: Request) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    if not scope.sees_knowledge:
        return refuse(request, 403, "Not available to you", "The knowledge page is for administrators, training and "
                      "QA leads and experts.", (me, scope))
    overview = _overview(ctx)
    since_days = _int(request.query_params.get("since"), 30, 1, 3650)
    since = ctx.records.clock() - dt.timedelta(days=since_days)
    embed = ctx.kb.embedder.encode if ctx.kb is not None else ctx.records.embed
    clusters = gap_report(ctx.records.sessions, embed, since)
    titles = {**ctx.records.framework.doc_titles, **overview.titles}
    return render(request, "knowledge.html", who=(me, scope), active="knowledge", title="Knowledge", k=overview,
                  clusters=clusters, since_days=since_days, titles=titles,
                  owners_front=ctx.records.framework.doc_owners)


async def escalate_gap(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    return await run_in_threadpool(_escalate_gap, request, str(form.get("question", "")))


def _escalate_gap(request: Request, question: str) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    if not scope.oversees:
        return refuse(request, 403, "Not available to you", "Only administrators and training / QA leads can open "
                      "escalations from the gap report; in chat, anyone can type `expert` after an answer.", (me, scope))
    out = escalate(ctx.conversation, me.id, question, origin={"platform": "dashboard"})
    if out.ok:
        ctx.deliver(out.notifications)
    flash(request, out.message, out.ok)
    return RedirectResponse("/knowledge#gaps", status_code=303)


def owner_form(request: Request) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    if not scope.oversees:
        return refuse(request, 403, "Not available to you", "Only administrators and training / QA leads can assign "
                      "document owners.", (me, scope))
    overview = _overview(ctx)
    with ctx.records.sessions() as session:
        people = people_db.people_in_scope(session, everyone=True)
    people.sort(key=lambda p: (not (p.role_set & {"expert"}), p.name))
    doc = request.query_params.get("doc", "")
    topic = request.query_params.get("topic", "")
    return render(request, "owner.html", who=(me, scope), active="knowledge", title="Assign a document owner",
                  k=overview, doc=doc, people=people, reason=f"Knowledge gap: {topic}" if topic else "",
                  current=overview.owners.get(doc))


async def assign_owner(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    fields = {k: str(form.get(k, "")) for k in ("doc_id", "owner", "reason")}
    return await run_in_threadpool(_assign_owner, request, fields)


def _assign_owner(request: Request, fields: dict) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    overview = _overview(ctx)
    out = ctx.records.owners.assign(me.id, fields["doc_id"], fields["owner"], fields["reason"], overview.titles)
    if out.ok:
        ctx.deliver(out.notifications)
        flash(request, out.message)
        return RedirectResponse("/knowledge#documents", status_code=303)
    flash(request, out.message, False)
    return RedirectResponse(f"/knowledge/owner?{urlencode({'doc': fields['doc_id']})}", status_code=303)


# -- audit ----------------------------------------------------------------------------------------------------------
def _audit_page(request: Request, verified=None) -> Response:
    ctx = _ctx(request)
    me, scope = viewer(request)
    if not scope.oversees:
        return refuse(request, 403, "Not available to you", "The audit trail is for administrators and training / "
                      "QA leads. Your own record's history is on your passport page.", (me, scope))
    q = request.query_params
    problems = []
    record = parse_record(q["record"]) if q.get("record") else None
    if q.get("record") and record is None:
        problems.append(f"'{q['record']}' is not a record reference: use SO-12, E-3, VA-2, P-5 or 'document gd-gowning'.")
    date_from, date_to = _date(q.get("from")), _date(q.get("to"))
    for key, value in (("from", date_from), ("to", date_to)):
        if q.get(key) and value is None:
            problems.append(f"'{q[key]}' is not a date: use the date picker (YYYY-MM-DD).")
    person_id = _int(q.get("person"))
    before = _int(q.get("before"))
    with ctx.records.sessions() as session:
        events = audit_events(session, scope, ctx.settings.timezone, person_id=person_id, record=record,
                              date_from=date_from, date_to=date_to, before_id=before, limit=100)
        people = people_db.people_in_scope(session, **scope.query)
        names = {p.id: p.name for p in people}
    older = dict(q) | {"before": str(events[-1].id)} if len(events) == 100 else None
    return render(request, "audit.html", who=(me, scope), active="audit", title="Audit trail", events=events,
                  people=people, names=names, q=dict(q), problems=problems, verified=verified, older=older)


def audit(request: Request) -> Response:
    return _audit_page(request)


def audit_verify(request: Request) -> Response:
    """The same check as `techserv audit verify`. A read: it changes nothing and is not audited."""
    ctx = _ctx(request)
    _, scope = viewer(request)
    if not scope.oversees:
        return _audit_page(request)
    with ctx.records.sessions() as session:
        report = verify_chain(session)
    return _audit_page(request, verified=report)
