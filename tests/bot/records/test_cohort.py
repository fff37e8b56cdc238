"""Cohort matrix, scope, mentor assignments, queues, audit filtering and document owners — on SQLite and
PostgreSQL, through the same services the chat uses."""
from __future__ import annotations

import datetime as dt

import yaml

from bot.db import people as people_db
from bot.records.access import scope_for
from bot.records.cohort import build_matrix, render_matrix_csv
from bot.records.people import PeopleError, import_people
from bot.service.oversight import audit_events, local_day_bounds, parse_record, queues
from tests.bot.conftest import PEOPLE

import pytest


def _scope(records, email, lead_scope="site"):
    with records.sessions() as s:
        return scope_for(s, people_db.person_by_email(s, email), lead_scope)


def _seed(records, ids, clock):
    """Tara: ASP-01 current, ASP-02 expiring (signed 350 days ago), ASP-03 expired (400 days ago; the
    expiry job has not run yet), ASP-04 awaiting, ASP-05 returned. Every competency revalidates yearly."""
    so, base, made = records.signoffs, clock.now, {}
    for comp, days_ago in (("ASP-03", 400), ("ASP-02", 350), ("ASP-01", 0)):
        clock.now = base - dt.timedelta(days=days_ago)
        made[comp] = so.request(ids["tara"], comp, "sam@example.nhs.uk", f"evidence for {comp}").request_id
        assert so.decide(ids["sam"], made[comp], "approve").ok
    clock.now = base
    for comp in ("ASP-04", "ASP-05"):
        made[comp] = so.request(ids["tara"], comp, "sam@example.nhs.uk", f"evidence for {comp}").request_id
    assert so.decide(ids["sam"], made["ASP-05"], "changes", "add the worksheet").ok
    return made


def test_matrix_cells_match_the_passport(records, ids, clock, framework):
    made = _seed(records, ids, clock)
    with records.sessions() as s:
        m = build_matrix(s, framework, _scope(records, "ada@example.nhs.uk"), clock())
    row = next(r for r in m.rows if r.person.id == ids["tara"])
    cells = {c.id: cell for c, cell in zip(m.columns, row.cells)}
    passport = {e.competency_id: e.state for e in records.passport(ids["tara"]).entries}
    words = {"pending": "awaiting", "changes_requested": "returned"}
    for comp, state in passport.items():
        assert cells[comp].state == words.get(state, state), comp
    assert {c: cells[c].state for c in made} == {"ASP-01": "current", "ASP-02": "expiring", "ASP-03": "expired",
                                                 "ASP-04": "awaiting", "ASP-05": "returned"}
    assert m.counts["current"] == 1 and m.counts["not_started"] > 0
    role = framework.role("aseptic-services", "asp-pharmacy-technician")
    assert row.required == len(role.requires) and row.achieved == sum(
        cells[c].state in ("current", "expiring") for c in role.requires)
    untouched = next(c for c in role.requires if c not in made)
    assert cells[untouched].state == "not_started"
    # people without a pathway or the trainee role (Sam, Ada, Mo) are not rows
    assert {r.person.name for r in m.rows} == {"Tara Trainee", "Jo Junior"}
    csv_text = render_matrix_csv(m)
    assert csv_text.splitlines()[0].startswith("name,email,site,band,pathway,role,achieved,required,")
    assert "tara@example.nhs.uk" in csv_text and "awaiting" in csv_text


def test_matrix_filters(records, ids, clock, framework):
    _seed(records, ids, clock)
    scope = _scope(records, "ada@example.nhs.uk", "all")
    with records.sessions() as s:
        by_pathway = build_matrix(s, framework, scope, clock(), pathway="aseptic-services")
        by_band = build_matrix(s, framework, scope, clock(), band="3")
        by_mentor = build_matrix(s, framework, scope, clock(), mentor_id=ids["sam"])
        by_site = build_matrix(s, framework, scope, clock(), site="Site B")
    assert [r.person.name for r in by_pathway.rows] == ["Tara Trainee"]
    assert len(by_pathway.columns) == len({c for r in framework.pathways["aseptic-services"].roles for c in r.requires})
    assert [r.person.name for r in by_band.rows] == ["Jo Junior"]
    assert [r.person.name for r in by_mentor.rows] == ["Tara Trainee"]  # Tara's requests wait on Sam
    assert by_site.rows == []


def test_scope_by_role(records, ids, clock):
    _seed(records, ids, clock)
    tara, sam, mo = (_scope(records, f"{n}@example.nhs.uk") for n in ("tara", "sam", "mo"))
    ada_site, ada_all = _scope(records, "ada@example.nhs.uk"), _scope(records, "ada@example.nhs.uk", "all")
    assert tara.ids == {ids["tara"]} and not tara.sites and not tara.everyone and not tara.oversees
    assert sam.ids == {ids["sam"], ids["tara"]}  # Tara's open requests name Sam
    assert mo.ids == {ids["mo"]}
    assert ada_site.sites == {"Site A"} and ada_site.oversees and ada_all.everyone
    with pytest.raises(ValueError):
        _scope(records, "ada@example.nhs.uk", "region")


def test_mentor_assignments_are_audited_and_ended_not_deleted(records, ids, tmp_path):
    def load(jo_mentors):
        people = [dict(p, mentors=jo_mentors) if p["email"] == "jo@example.nhs.uk" else p for p in PEOPLE]
        (tmp_path / "p.yaml").write_text(yaml.safe_dump({"people": people}))
        return import_people(records.sessions, tmp_path / "p.yaml", "ada@example.nhs.uk")

    assert load(["sam@example.nhs.uk", "mo@example.nhs.uk"]).assignments == 2
    assert load(["sam@example.nhs.uk", "mo@example.nhs.uk"]).assignments == 0  # idempotent
    assert _scope(records, "mo@example.nhs.uk").ids == {ids["mo"], ids["jo"]}
    assert load(["sam@example.nhs.uk"]).assignments == 1
    assert _scope(records, "mo@example.nhs.uk").ids == {ids["mo"]}
    with records.sessions() as s:
        events = audit_events(s, _scope(records, "ada@example.nhs.uk", "all"), "Europe/London", person_id=ids["jo"])
    actions = [e.action for e in events]
    assert actions.count("mentor.assigned") == 2 and actions.count("mentor.unassigned") == 1
    assert all(e.actor == "ada@example.nhs.uk" for e in events if e.action.startswith("mentor."))
    with pytest.raises(PeopleError, match="not registered"):
        load(["ghost@example.nhs.uk"])
    with pytest.raises(PeopleError, match="no mentor role"):
        load(["tara@example.nhs.uk"])


def test_queues(records, ids, clock):
    made = _seed(records, ids, clock)
    clock.advance(days=5)
    records.signoffs.request(ids["jo"], "ASP-01", "sam@example.nhs.uk", "fresh")
    with records.sessions() as s:
        q = queues(s, _scope(records, "ada@example.nhs.uk"), clock(), waiting_days=3, within_days=30)
        tara_only = queues(s, _scope(records, "tara@example.nhs.uk"), clock(), waiting_days=3, within_days=400)
    assert [r.id for r in q.waiting] == [made["ASP-04"]]  # Jo's is too new; ASP-05 is back with Tara
    assert all(r.mentor.email == "sam@example.nhs.uk" for r in q.waiting)
    assert [r.id for r in q.expiring] == [made["ASP-02"]]  # expires in 10 days; ASP-03 has already expired
    assert [r.id for r in tara_only.expiring] == [made["ASP-02"], made["ASP-01"]]


def test_audit_filters_by_person_record_and_local_date(records, ids, clock):
    made = _seed(records, ids, clock)
    everyone = _scope(records, "ada@example.nhs.uk", "all")
    with records.sessions() as s:
        by_record = audit_events(s, everyone, "Europe/London", record=parse_record(f"SO-{made['ASP-01']}"))
        day = clock().date()
        same_day = audit_events(s, everyone, "Europe/London", date_from=day, date_to=day)
        next_day = audit_events(s, everyone, "Europe/London", date_from=day + dt.timedelta(days=1))
        jo = audit_events(s, everyone, "Europe/London", person_id=ids["jo"])
        mo_site = audit_events(s, _scope(records, "mo@example.nhs.uk"), "Europe/London")
    assert [e.action for e in by_record] == ["signoff.approved", "signoff.requested"]
    assert {e.action for e in same_day} == {"signoff.requested", "signoff.approved", "signoff.changes_requested", "identity.linked",
                                            "person.added"} and next_day == []
    assert {e.entity for e in jo} == {"person"}  # Jo's own person.added event only
    assert all(e.entity_id == str(ids["mo"]) or e.actor_id == ids["mo"] for e in mo_site)
    assert parse_record("e-3") == ("escalation", "3") and parse_record("document gd-gowning") == ("document", "gd-gowning")
    assert parse_record("drop table") is None
    start, end = local_day_bounds(dt.date(2026, 7, 1), "Europe/London")  # BST: local midnight is 23:00 UTC
    assert start == dt.datetime(2026, 6, 30, 23, tzinfo=dt.timezone.utc) and end - start == dt.timedelta(hours=24)


def test_document_owner_assignment(records, ids):
    titles = {"gd-gowning": "Gowning"}
    owners = records.owners
    assert not owners.assign(ids["tara"], "gd-gowning", "sam@example.nhs.uk", "gap", titles).ok  # not a lead
    assert "no document" in owners.assign(ids["ada"], "gd-nope", "sam@example.nhs.uk", "gap", titles).message
    assert "Say why" in owners.assign(ids["ada"], "gd-gowning", "sam@example.nhs.uk", " ", titles).message
    first = owners.assign(ids["ada"], "gd-gowning", "sam@example.nhs.uk", "Knowledge gap: glove changes", titles)
    assert first.ok and first.notifications[0].person_id == ids["sam"] and "glove changes" in first.notifications[0].text
    assert "already owns" in owners.assign(ids["ada"], "gd-gowning", "sam@example.nhs.uk", "again", titles).message
    second = owners.assign(ids["ada"], "gd-gowning", "mo@example.nhs.uk", "Sam moved to QC", titles)
    assert second.ok and owners.current()["gd-gowning"].owner_id == ids["mo"]
    with records.sessions() as s:
        from bot.db.documents import history

        rows = history(s, "gd-gowning")
        events = audit_events(s, _scope(records, "ada@example.nhs.uk", "all"), "UTC", record=("document", "gd-gowning"))
    assert [r.owner_id for r in rows] == [ids["sam"], ids["mo"]] and rows[0].superseded_at is not None
    assert [e.action for e in events] == ["document.owner_assigned"] * 2 and events[0].reason == "Sam moved to QC"
