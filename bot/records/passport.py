"""Skills passport and training plan for one person, as data and as text, CSV or PDF.

The passport is a training record an inspector may read: every request a person ever made stays on
it — approved, returned for more evidence, rejected, withdrawn, corrected (revoked) or expired — with
the evidence it was made on, each signature (id, printed name, job title, band, meaning, reason, UTC
time) and each correction, in order. Signatures come from the signatures table; the other steps
(requested, evidence resubmitted, withdrawn, expired) from the audit trail.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from bot.db import audit as audit_db
from bot.db import signoffs as so_db
from bot.db.models import Person, Signature, SignoffRequest

from .framework import Framework

EXPIRING_DAYS = 30
FONTS = Path(__file__).with_name("fonts")  # DejaVu Sans (Latin, Greek, Cyrillic, Vietnamese …), see fonts/LICENSE

STATE_TITLES = {"current": "Current", "expiring": f"Expiring within {EXPIRING_DAYS} days", "expired": "Expired",
                "changes_requested": "Returned for more evidence", "pending": "Awaiting sign-off",
                "not_signed_off": "Not signed off (rejected, withdrawn or corrected)"}
STATUS_WORDS = {"requested": "awaiting a decision", "approved": "approved", "changes_requested":
                "returned for more evidence", "rejected": "not approved", "withdrawn": "withdrawn by the trainee",
                "revoked": "approval withdrawn by a correction", "expired": "expired"}


def utc(when: dt.datetime | None) -> str:
    """A time as the record prints it: date, time and zone."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if when else "—"


@dataclass
class SignatureRecord:
    id: int
    decision: str  # approved | changes_requested | rejected | correction
    printed_name: str
    job_title: str
    band: str | None  # at signing; None for signatures made before it was recorded
    band_now: str | None
    meaning: str
    reason: str
    signed_at: dt.datetime
    platform: str
    corrects_id: int | None = None

    @property
    def ref(self) -> str:
        return f"SIG-{self.id}"

    @property
    def band_text(self) -> str:
        if self.band:
            return f"band {self.band}"
        return "band not recorded at signing" + (f" (band {self.band_now} now)" if self.band_now else "")

    def line(self) -> str:
        text = (f"Signature {self.ref}: {self.printed_name}, {self.job_title or 'no job title'}, {self.band_text} — "
                f"{self.meaning}")
        if self.corrects_id:
            text += f" (corrects SIG-{self.corrects_id})"
        return text + (f". Reason: {self.reason}" if self.reason else "")


@dataclass
class HistoryLine:
    when: dt.datetime
    text: str
    event: str = ""  # requested | resubmitted | approved | changes_requested | rejected | correction | withdrawn | expired
    request_id: int | None = None
    evidence: str | None = None  # requested / resubmitted: the evidence as it was then
    links: list[str] = field(default_factory=list)
    signature: SignatureRecord | None = None


@dataclass
class RequestRecord:
    id: int
    status: str
    framework_version: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    mentor: str
    history: list[HistoryLine]

    @property
    def ref(self) -> str:
        return f"SO-{self.id}"

    @property
    def signatures(self) -> list[SignatureRecord]:
        return [h.signature for h in self.history if h.signature is not None]


@dataclass
class PassportEntry:
    competency_id: str
    title: str
    state: str  # current | expiring | expired | pending | changes_requested | not_signed_off
    request_id: int  # the request that gives the state
    framework_version: str
    signed_by: str = ""
    signer_title: str = ""
    signed_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    signature: SignatureRecord | None = None
    requests: list[RequestRecord] = field(default_factory=list)  # every request for the competency, oldest first
    assessor_rule: str = ""

    @property
    def history(self) -> list[HistoryLine]:
        return [h for r in self.requests for h in r.history]

    @property
    def headline(self) -> RequestRecord:
        return next(r for r in self.requests if r.id == self.request_id)


@dataclass
class PlanItem:
    competency_id: str
    title: str
    band: int
    courses: list[tuple[str, str]]  # (doc id, title)
    guidance: list[tuple[str, str]]


@dataclass
class Passport:
    person: Person
    generated_at: dt.datetime
    framework_version: str
    entries: list[PassportEntry]
    plan: list[PlanItem]
    pathway: str | None = None

    def by_state(self, state: str) -> list[PassportEntry]:
        return [e for e in self.entries if e.state == state]

    @property
    def signatures(self) -> list[SignatureRecord]:
        return [s for e in self.entries for r in e.requests for s in r.signatures]


def _signature(s: Signature) -> SignatureRecord:
    return SignatureRecord(s.id, s.decision, s.printed_name, s.job_title, s.signer_band,
                           s.signer.band if s.signer is not None else None, s.meaning, s.reason or "", s.signed_at,
                           s.platform, s.corrects_id)


SIGNED = {"approved": "approved", "changes_requested": "more evidence requested", "rejected": "not approved",
          "correction": "approval corrected (withdrawn)"}


def _history(req: SignoffRequest, events: list) -> list[HistoryLine]:
    """Requested and resubmitted (with the evidence as it was), each signature, withdrawal and expiry."""
    lines = []
    for ev in events:
        new = json.loads(ev.new_values or "{}")
        if ev.action in ("signoff.requested", "signoff.resubmitted"):
            kind = "requested" if ev.action == "signoff.requested" else "resubmitted"
            text = ("requested" if kind == "requested" else "evidence resubmitted") + f" by {req.trainee.name}"
            if kind == "requested":
                text += f" (framework {new.get('framework_version', req.framework_version)})"
            lines.append(HistoryLine(ev.occurred_at, text, kind, req.id, new.get("evidence", ""),
                                     list(new.get("links") or [])))
        elif ev.action == "signoff.withdrawn":
            lines.append(HistoryLine(ev.occurred_at, f"withdrawn by {req.trainee.name}"
                                     + (f". Reason: {ev.reason}" if ev.reason else ""), "withdrawn", req.id))
        elif ev.action == "signoff.expired":
            lines.append(HistoryLine(ev.occurred_at, "expired: the revalidation period ended", "expired", req.id))
    if not any(h.event == "requested" for h in lines):  # no audit event (cannot happen through the service)
        lines.insert(0, HistoryLine(req.created_at, f"requested by {req.trainee.name} (framework {req.framework_version})",
                                    "requested", req.id, req.evidence_text, json.loads(req.evidence_links or "[]")))
    for s in req.signatures:
        sig = _signature(s)
        lines.append(HistoryLine(s.signed_at, f"{SIGNED.get(s.decision, s.decision)} — {sig.line()}", s.decision,
                                 req.id, signature=sig))
    return sorted(lines, key=lambda h: (h.when, h.signature is not None, h.signature.id if h.signature else 0))


def _state(req: SignoffRequest, approval, now: dt.datetime) -> str:
    if req.status in ("approved", "expired") and approval is not None:
        if req.status == "expired" or (req.expires_at is not None and req.expires_at <= now):
            return "expired"
        if req.expires_at is not None and req.expires_at <= now + dt.timedelta(days=EXPIRING_DAYS):
            return "expiring"
        return "current"
    if req.status == "requested":
        return "pending"
    if req.status == "changes_requested":
        return "changes_requested"
    return "not_signed_off"  # rejected, withdrawn, revoked: on the record, not an achievement


RANK = {"current": 5, "expiring": 4, "pending": 3, "changes_requested": 3, "expired": 2, "not_signed_off": 1}
ORDER = {state: i for i, state in enumerate(STATE_TITLES)}


def build_passport(session: Session, framework: Framework, person: Person, now: dt.datetime) -> Passport:
    requests = so_db.requests_for_trainee(session, person.id)
    events: dict[str, list] = {}
    for ev in audit_db.events_for_entities(session, "signoff_request", [r.id for r in requests]):
        events.setdefault(ev.entity_id, []).append(ev)
    entries: dict[str, PassportEntry] = {}
    for req in requests:
        approval = next((s for s in reversed(req.signatures) if s.decision == "approved"), None)
        state = _state(req, approval, now)
        record = RequestRecord(req.id, req.status, req.framework_version, req.created_at, req.expires_at,
                               req.mentor.name if req.mentor is not None else "", _history(req, events.get(str(req.id), [])))
        entry = entries.get(req.competency_id)
        if entry is None:
            comp = framework.get(req.competency_id)
            rule = f"{comp.assessor_role} at band {comp.assessor_min_band} or above" if comp else "not in the framework now"
            entry = entries[req.competency_id] = PassportEntry(req.competency_id, req.competency_title, state, req.id,
                                                               req.framework_version, assessor_rule=rule)
        entry.requests.append(record)
        if RANK[state] >= RANK[entry.state] or entry.request_id == req.id:
            entry.state, entry.request_id, entry.framework_version = state, req.id, req.framework_version
            entry.signed_by, entry.signer_title, entry.signed_at, entry.expires_at, entry.signature = "", "", None, None, None
            if approval is not None and state in ("current", "expiring", "expired"):
                entry.signature = _signature(approval)
                entry.signed_by, entry.signer_title, entry.signed_at = approval.printed_name, approval.job_title, approval.signed_at
                entry.expires_at = req.expires_at
    plan = []
    role = framework.role(person.pathway, person.pathway_role)
    if role is not None:
        achieved = {cid for cid, e in entries.items() if e.state in ("current", "expiring")}
        for cid in role.requires:
            comp = framework.get(cid)
            if comp is None or cid in achieved:
                continue
            titled = lambda ids: [(d, framework.doc_titles.get(d, d)) for d in ids]  # noqa: E731
            plan.append(PlanItem(cid, comp.title, comp.band, titled(comp.courses), titled(comp.guidance)))
    ordered = sorted(entries.values(), key=lambda e: (ORDER[e.state], e.competency_id))
    pathway = f"{framework.pathways[person.pathway].title} — {role.title}" if role and person.pathway in framework.pathways else None
    return Passport(person, now, framework.version, ordered, plan, pathway)


# -- text (chat) -----------------------------------------------------------------------------------------
def _summary(e: PassportEntry) -> str:
    head = e.headline
    if e.signature is not None:
        s = e.signature
        expiry = f", expires {utc(e.expires_at)}" if e.expires_at else ", no expiry"
        text = f"signed by {s.printed_name} ({s.job_title}, {s.band_text}) on {utc(s.signed_at)}{expiry}"
    else:
        last = head.history[-1]
        text = f"{STATUS_WORDS.get(head.status, head.status)} ({utc(last.when)})"
        if last.signature is not None:
            text += f", {last.signature.printed_name}" + (f": {last.signature.reason}" if last.signature.reason else "")
    earlier = [r for r in e.requests if r.id != head.id]
    if earlier:
        text += "; earlier: " + ", ".join(f"{r.ref} {STATUS_WORDS.get(r.status, r.status)}" for r in earlier)
    return text


def render_text(p: Passport) -> str:
    lines = [f"Skills passport — {p.person.name} ({p.person.job_title or 'no job title'}, band {p.person.band}, "
             f"{p.person.site or 'no site'})",
             f"Framework {p.framework_version} · generated {utc(p.generated_at)}"]
    if p.pathway:
        lines.append(f"Pathway: {p.pathway}")
    for state, title in STATE_TITLES.items():
        items = p.by_state(state)
        if not items and state == "not_signed_off":
            continue
        lines.append(f"\n{title} ({len(items)})")
        for e in items:
            lines.append(f"  {e.competency_id} {e.title} — {_summary(e)} [SO-{e.request_id}]")
    if p.signatures:
        lines.append(f"\n{len(p.signatures)} signatures on the record; the printable passport (PDF) has each "
                     "with its evidence and history.")
    lines.append(f"\nTraining plan: {len(p.plan)} competencies still to achieve")
    for item in p.plan:
        lines.append(f"  {item.competency_id} {item.title} (band {item.band})")
        for doc_id, title in item.courses + item.guidance:
            lines.append(f"      read: {title} [{doc_id}]")
    return "\n".join(lines)


# -- CSV -------------------------------------------------------------------------------------------------
CSV_COLUMNS = ["person_email", "person_name", "competency_id", "title", "state", "request", "request_status",
               "framework_version", "event", "event_at_utc", "signature_id", "signed_by", "signer_job_title",
               "signer_band", "meaning", "reason", "corrects_signature", "signed_at_utc", "expires_at_utc",
               "evidence", "links"]


def render_csv(p: Passport) -> str:
    """One row per step of every request (requested, resubmitted, each signature, withdrawn, expired),
    then one row per competency still to achieve."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS)
    w.writeheader()
    for e in p.entries:
        for r in e.requests:
            for h in r.history:
                s = h.signature
                w.writerow({
                    "person_email": p.person.email, "person_name": p.person.name, "competency_id": e.competency_id,
                    "title": e.title, "state": e.state, "request": r.ref, "request_status": r.status,
                    "framework_version": r.framework_version, "event": h.event,
                    "event_at_utc": h.when.astimezone(dt.timezone.utc).isoformat(),
                    "signature_id": s.ref if s else "", "signed_by": s.printed_name if s else "",
                    "signer_job_title": s.job_title if s else "", "signer_band": (s.band or "") if s else "",
                    "meaning": s.meaning if s else "", "reason": s.reason if s else "",
                    "corrects_signature": f"SIG-{s.corrects_id}" if s and s.corrects_id else "",
                    "signed_at_utc": s.signed_at.astimezone(dt.timezone.utc).isoformat() if s else "",
                    "expires_at_utc": r.expires_at.astimezone(dt.timezone.utc).isoformat()
                    if r.expires_at and s and s.decision == "approved" else "",
                    "evidence": h.evidence or "", "links": " ".join(h.links)})
    for item in p.plan:
        w.writerow({"person_email": p.person.email, "person_name": p.person.name, "competency_id": item.competency_id,
                    "title": item.title, "state": "not yet achieved", "framework_version": p.framework_version})
    return buf.getvalue()


# -- PDF -------------------------------------------------------------------------------------------------
def render_pdf(p: Passport) -> bytes:
    """A printable training record: every competency with every request, its evidence, each signature
    and correction; the person's name and the generation time on every page, numbered "page n of N"."""
    from fpdf import FPDF

    person, generated = p.person, utc(p.generated_at)

    class Record(FPDF):
        def header(self):
            self.set_font("body", "B", 9)
            self.cell(0, 5, f"Training record — {person.name}", new_x="LMARGIN", new_y="NEXT", align="L")
            self.set_font("body", "", 8)
            self.cell(0, 4, f"{person.email} · generated {generated}", new_x="LMARGIN", new_y="NEXT", align="L")
            self.set_draw_color(150, 150, 150)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(4)

        def footer(self):
            self.set_y(-12)
            self.set_font("body", "", 8)
            self.cell(0, 5, f"{person.name} · generated {generated} · framework {p.framework_version} · "
                            f"page {self.page_no()} of {{nb}}", align="C")

    pdf = Record(format="A4")
    pdf.add_font("body", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("body", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"Training record — {person.name}")
    pdf.set_creator("TechServ Assistant")
    pdf.alias_nb_pages()
    pdf.add_page()
    margin = pdf.l_margin

    def write(text: str, size: float = 9, bold: bool = False, height: float = 4.6, indent: float = 0) -> None:
        pdf.set_left_margin(margin + indent)  # wrapped lines start under the first, never at the page margin
        pdf.set_x(margin + indent)
        pdf.set_font("body", "B" if bold else "", size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_left_margin(margin)

    write(person.name, 15, True, 8)
    write(f"{person.job_title or 'No job title'} · band {person.band} · {person.site or 'no site'} · {person.email}")
    write(f"Competency framework {p.framework_version} · generated {generated}"
          + (f" · pathway: {p.pathway}" if p.pathway else ""))
    pdf.ln(1)
    write("Every request is listed with its evidence and every signature (SIG-n) with the signer's printed name, "
          "job title, band at signing and what the signature means. Corrections are new signatures; the "
          "original stays on the record. All times are UTC.", 8)
    for state, title in STATE_TITLES.items():
        items = p.by_state(state)
        if not items:
            continue
        pdf.ln(3)
        write(f"{title} ({len(items)})", 12, True, 7)
        for e in items:
            pdf.ln(1.5)
            write(f"{e.competency_id} {e.title}", 10.5, True, 5.5)
            status = STATE_TITLES[e.state]
            if e.signature is not None:
                s = e.signature
                status += (f" — signed by {s.printed_name} ({s.job_title}, {s.band_text}) on {utc(s.signed_at)}: "
                           f"{s.meaning}; expires {utc(e.expires_at) if e.expires_at else 'never'}")
            write(f"{status}. Assessor requirement: {e.assessor_rule}.", indent=3)
            for r in e.requests:
                write(f"Request {r.ref} — {STATUS_WORDS.get(r.status, r.status)} · framework {r.framework_version}"
                      + (f" · mentor {r.mentor}" if r.mentor else "")
                      + (f" · expires {utc(r.expires_at)}" if r.expires_at and r.status in ("approved", "expired") else ""),
                      9, True, indent=3)
                for h in r.history:
                    write(f"{utc(h.when)}  {h.text}", indent=7)
                    if h.evidence is not None:
                        write(f"Evidence: {h.evidence or '(none given)'}", 8.5, indent=11)
                        for link in h.links:
                            write(f"Link: {link}", 8.5, indent=11)
    if p.plan:
        pdf.ln(3)
        write(f"Still to achieve ({len(p.plan)})", 12, True, 7)
        for item in p.plan:
            write(f"{item.competency_id} {item.title} (band {item.band})", indent=3)
    return bytes(pdf.output())
