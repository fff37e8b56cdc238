"""The audit trail: every change is recorded and chained; tampering is refused or detected."""
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from bot.db.audit import iter_events
from bot.db.engine import current_revision, head_revision, upgrade
from bot.records.audit import verify_chain


def make_history(records, ids):
    s = records.signoffs
    a = s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "three sessions").request_id
    s.decide(ids["sam"], a, "approve", "good")
    b = s.request(ids["tara"], "ASP-02", "sam@example.nhs.uk").request_id
    s.decide(ids["sam"], b, "reject", "gown touched the floor")
    return a, b


def test_every_change_is_an_event_with_who_what_when_why(records, ids, clock):
    a, _ = make_history(records, ids)
    with records.sessions() as s:
        events = list(iter_events(s))
        actions = [e.action for e in events]
        assert actions.count("person.added") == 5 and actions.count("identity.linked") == 2
        assert actions[-4:] == ["signoff.requested", "signoff.approved", "signoff.requested", "signoff.rejected"]
        approved = next(e for e in events if e.action == "signoff.approved")
        assert approved.actor == "sam@example.nhs.uk" and approved.entity_id == str(a)
        assert approved.reason == "good" and approved.occurred_at == clock.now
        assert json.loads(approved.old_values) == {"status": "requested"}
        assert json.loads(approved.new_values)["status"] == "approved"
        assert verify_chain(s).ok and verify_chain(s).checked == len(events)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET reason = 'edited' WHERE id = 1",
    "DELETE FROM audit_events WHERE id = 1",
    "UPDATE signatures SET printed_name = 'Someone Else'",
    "UPDATE signatures SET request_id = request_id + 1",
    "DELETE FROM signatures",
])
def test_updates_and_deletes_are_refused_by_the_database(records, ids, engine, statement):
    make_history(records, ids)
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))


def test_tampering_is_detected_and_the_row_named(records, ids, engine):
    make_history(records, ids)
    with records.sessions() as s:
        target = [e for e in iter_events(s) if e.action == "signoff.approved"][0].id
    # an attacker with database access disables the guard and edits the record directly
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET reason = 'never happened' WHERE id = :i"), {"i": target})
    with records.sessions() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == target
    assert f"event {target} (signoff.approved" in report.problem and "altered" in report.problem


def test_deleted_event_breaks_the_chain(records, ids, engine):
    make_history(records, ids)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        conn.execute(text("DELETE FROM audit_events WHERE id = 3"))
    with records.sessions() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == 4 and "removed" in report.problem


def test_migrations_are_idempotent(engine):
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision() == "0009"
