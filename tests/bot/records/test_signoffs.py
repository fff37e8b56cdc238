"""Sign-off lifecycle rules, on SQLite and PostgreSQL."""
import datetime as dt
import threading

from sqlalchemy import func, select

from bot.db import signoffs as so_db
from bot.db.models import AuditEvent, Signature, SignoffRequest


def count(records, model, **where):
    with records.sessions() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.execute(q).scalar_one()


def test_request_and_approve(records, ids, clock):
    out = records.signoffs.request(ids["tara"], "asp-01", "sam@example.nhs.uk", "observed on 3 sessions",
                                   ["https://evidence.example/ev1"])
    assert out.ok and out.request_id and "SO-" in out.message
    [note] = out.notifications
    assert note.person_id == ids["sam"] and "asks you to sign off ASP-01" in note.text
    assert [a.id for a in note.actions] == ["signoff_approve", "signoff_changes", "signoff_reject"]
    assert [r.id for r in records.signoffs.pending(ids["sam"])] == [out.request_id]

    clock.advance(hours=2)
    decided = records.signoffs.decide(ids["sam"], out.request_id, "approve", "good technique",
                                      platform="slack", event_id="Ev-1")
    assert decided.ok and decided.notifications[0].person_id == ids["tara"]
    with records.sessions() as s:
        req = so_db.get_request(s, out.request_id)
        assert req.status == "approved" and req.open_key is None
        assert req.framework_version == records.framework.version
        assert req.expires_at == dt.datetime(2027, 11, 27, 11, 0, tzinfo=dt.timezone.utc)  # 12 months
        [sig] = req.signatures
        assert (sig.printed_name, sig.job_title, sig.meaning, sig.platform, sig.platform_event_id) == (
            "Sam Mentor", "Senior Pharmacy Technician", "assessed as competent", "slack", "Ev-1")
        assert sig.signed_at == clock.now and sig.signed_at.tzinfo is not None
    assert records.signoffs.pending(ids["sam"]) == []


def test_refusals_are_clear(records, ids):
    s = records.signoffs
    unknown = s.request(ids["tara"], "ASP-1", "sam@example.nhs.uk")
    assert not unknown.ok and "Did you mean ASP-01 (Hand hygiene and glove technique)" in unknown.message
    assert "no one with the email" in s.request(ids["tara"], "ASP-01", "nobody@example.nhs.uk").message.lower()
    assert "cannot sign off your own" in s.request(ids["sam"], "ASP-01", "sam@example.nhs.uk").message
    junior = s.request(ids["tara"], "ASP-10", "jo@example.nhs.uk")  # ASP-10 needs a band 6+ assessor
    assert not junior.ok and "Only an authorised assessor for ASP-10" in junior.message
    assert "limit is 4,000" in s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "x" * 5000).message
    assert "not a link" in s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "", ["ftp://x"]).message
    assert count(records, SignoffRequest) == 0  # nothing was written by any refusal


def test_only_an_authorised_assessor_may_decide(records, ids):
    req = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    assert "cannot sign off your own" in records.signoffs.decide(ids["tara"], req, "approve").message
    jo = records.signoffs.decide(ids["jo"], req, "approve")  # band 3 mentor, ASP-01 needs band 4+
    assert not jo.ok and jo.message.startswith("Only an authorised assessor for ASP-01 can sign this off")
    # another authorised mentor (not the one named) may decide
    assert records.signoffs.decide(ids["mo"], req, "approve").ok
    assert count(records, Signature) == 1


def test_one_open_request_per_competency_and_resubmission(records, ids):
    s = records.signoffs
    first = s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "v1")
    again = s.request(ids["tara"], "ASP-01", "mo@example.nhs.uk", "v2")
    assert not again.ok and "already have an open request" in again.message
    assert "Give a reason" in s.decide(ids["sam"], first.request_id, "changes").message
    assert s.decide(ids["sam"], first.request_id, "changes", "add a second observation").ok
    resub = s.request(ids["tara"], "ASP-01", "mo@example.nhs.uk", "v2 with second observation")
    assert resub.ok and resub.request_id == first.request_id and resub.notifications[0].person_id == ids["mo"]
    with records.sessions() as sess:
        req = so_db.get_request(sess, first.request_id)
        assert req.status == "requested" and req.evidence_text == "v2 with second observation"
        assert [x.decision for x in req.signatures] == ["changes_requested"]  # the earlier signature stays
    assert s.withdraw(ids["tara"], first.request_id, "wrong competency").ok
    assert "nothing to withdraw" in s.withdraw(ids["tara"], first.request_id).message
    assert s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").ok  # a new request after withdrawal


def test_duplicate_delivery_and_double_click_give_one_signature(records, ids):
    req = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    first = records.signoffs.decide(ids["sam"], req, "approve", platform="slack", event_id="click-1")
    retry = records.signoffs.decide(ids["sam"], req, "approve", platform="slack", event_id="click-1")
    assert first.ok and retry.ok and retry.message.startswith("Already recorded")
    second = records.signoffs.decide(ids["mo"], req, "reject", "not yet", platform="teams", event_id="act-9")
    assert not second.ok and "was already approved by Sam Mentor" in second.message
    assert count(records, Signature) == 1


def test_concurrent_decisions_exactly_one_wins(records, ids):
    req = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    results, barrier = [], threading.Barrier(6)

    def decide(person, n):
        barrier.wait()
        results.append(records.signoffs.decide(ids[person], req, "approve" if n % 2 else "reject", "r",
                                               platform="slack", event_id=f"e-{person}-{n}"))

    threads = [threading.Thread(target=decide, args=(p, n)) for n, p in enumerate(["sam", "mo", "ada"] * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.ok for r in results) == 1
    assert all("your decision was not recorded" in r.message for r in results if not r.ok)
    assert count(records, Signature) == 1
    decisions = count(records, AuditEvent, entity="signoff_request", entity_id=str(req)) - 1  # minus the request
    assert decisions == 1


def test_correction_keeps_the_original_visible(records, ids):
    req = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    records.signoffs.decide(ids["sam"], req, "approve")
    assert "Only the assessor who signed" in records.signoffs.correct(ids["mo"], req, "typo").message
    assert "needs a reason" in records.signoffs.correct(ids["sam"], req, "").message
    out = records.signoffs.correct(ids["sam"], req, "approved the wrong trainee")
    assert out.ok and "original signature stays" in out.message
    with records.sessions() as s:
        r = so_db.get_request(s, req)
        assert r.status == "revoked"
        original, correction = r.signatures
        assert original.decision == "approved" and correction.corrects_id == original.id
        assert correction.reason == "approved the wrong trainee"
    passport = records.passport(ids["tara"])
    assert not passport.by_state("current")


def test_expiry_and_expire_job_is_idempotent(records, ids, clock):
    req = records.signoffs.request(ids["tara"], "ASP-08", "sam@example.nhs.uk").request_id  # 6-monthly
    records.signoffs.decide(ids["sam"], req, "approve")
    assert records.passport(ids["tara"]).by_state("current")[0].competency_id == "ASP-08"
    clock.advance(days=160)
    assert records.passport(ids["tara"]).by_state("expiring")[0].competency_id == "ASP-08"
    assert records.signoffs.expire_due() == []
    clock.advance(days=30)
    assert records.passport(ids["tara"]).by_state("expired")[0].competency_id == "ASP-08"
    notes = records.signoffs.expire_due()
    assert [n.person_id for n in notes] == [ids["tara"]] and records.signoffs.expire_due() == []
    with records.sessions() as s:
        assert so_db.get_request(s, req).status == "expired"
    assert count(records, AuditEvent, action="signoff.expired") == 1


def test_nothing_half_written_when_a_step_fails(records, ids, monkeypatch):
    from bot.records import signoffs as service

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.audit_db, "append_event", broken)
    try:
        records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk")
    except RuntimeError:
        pass
    assert count(records, SignoffRequest) == 0


def test_reads_never_wait_for_other_sessions(records, ids):
    """A read session open in this thread does not block another read or a write (SQLite WAL, PostgreSQL)."""
    from bot.db.models import Person

    with records.sessions() as outer:
        assert outer.get(Person, ids["tara"]).name == "Tara Trainee"
        assert records.person_by_email("sam@example.nhs.uk") is not None  # a second, nested read
        out = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk")  # a write meanwhile
        assert out.ok
