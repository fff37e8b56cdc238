"""The running service's jobs and its faults (issue 8), on SQLite and PostgreSQL."""
import json
import shutil
import threading
import urllib.request

import pytest
from sqlalchemy.exc import OperationalError

from bot.answering.knowledge import KnowledgeBase
from bot.config import Settings
from bot.conversation import Conversation
from bot.db import jobs as jobs_db
from bot.messages import Incoming, ReplyKind
from bot.service.jobs import Service
from bot.service.scheduler import Job, Scheduler
from tests.conftest import BROKEN


def ledger(records, job):
    with records.sessions() as s:
        return [(r.slot, r.status) for r in jobs_db.runs(s, job)]


def test_a_slot_runs_once_across_replicas(records, clock):
    calls = []
    job = Job("demo", "0 2 * * *", lambda: calls.append(1) or "ran")
    replicas = [Scheduler(records.sessions, [job], clock=clock) for _ in range(4)]
    barrier = threading.Barrier(4)

    def tick(r):
        barrier.wait()
        r.tick()

    threads = [threading.Thread(target=tick, args=(r,)) for r in replicas]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(calls) == 1 and [s for _, s in ledger(records, "demo")] == ["done"]
    assert replicas[0].tick() == {}  # same slot again: nothing to do


def test_missed_runs_are_caught_up_once(records, clock):
    calls = []
    sched = Scheduler(records.sessions, [Job("daily", "0 9 * * *", lambda: calls.append(clock.now) or "")], clock=clock)
    sched.tick()
    clock.advance(days=3)  # the service was down for three days
    sched.tick()
    sched.tick()
    assert len(calls) == 2 and len(ledger(records, "daily")) == 2


def test_failed_job_is_retried_and_database_outage_defers(records, clock, monkeypatch):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("SMTP down")
        return "ok"

    sched = Scheduler(records.sessions, [Job("flaky", "0 9 * * *", flaky)], clock=clock)
    assert sched.tick() == {"flaky": "failed"}
    assert sched.tick() == {"flaky": "done"} and len(attempts) == 2
    # database unavailable when the reminder job is due: nothing runs, nothing is half-claimed
    real = jobs_db.claim_slot
    state = {"down": True}

    def claim(*a, **k):
        if state["down"]:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return real(*a, **k)

    sent = []
    monkeypatch.setattr(jobs_db, "claim_slot", claim)
    sched2 = Scheduler(records.sessions, [Job("reminders", "0 9 * * *", lambda: sent.append(1) or "")], clock=clock)
    assert sched2.tick() == {"reminders": "deferred"} and sent == []
    state["down"] = False
    sched2.tick()
    sched2.tick()
    assert sent == [1]  # retried once the database is back, and not duplicated


@pytest.fixture
def service(records, kb, built_env, tmp_path, embedder, clock):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(built_env.knowledge_dir, knowledge)
    s = Settings(knowledge_dir=knowledge, var_dir=tmp_path / "var")
    kbase = KnowledgeBase(s, embedder=embedder)
    delivered = []
    svc = Service(s, kbase, records, delivered.extend)
    svc.reindex()  # the first build
    return svc, delivered, knowledge


def test_nightly_reindex_reports_and_skips_a_crashing_document(service, ids):
    svc, delivered, knowledge = service
    delivered.clear()
    shutil.copy(BROKEN / "corrupt.pdf", knowledge / "corpus" / "new-broken.pdf")
    (knowledge / "corpus" / "fx-new.md").write_text("---\nid: fx-new\ntitle: Autoclave logs\n---\n## Logs\n\n"
                                                    "Autoclave cycle printouts are kept with the batch record.\n")
    text = svc.reindex()
    assert "1 added" in text or "2 added" in text
    assert "corpus/new-broken.pdf: PDF cannot be read" in text
    assert [n.person_id for n in delivered] == [ids["ada"]] and "Re-index published" in delivered[0].text
    reply = Conversation(svc.kb, svc.settings).handle(Incoming(text="where are autoclave printouts kept", user_id="x"))[0]
    assert reply.kind is ReplyKind.ANSWER and reply.citations[0].doc_id == "fx-new"


def test_failed_build_keeps_the_previous_index_and_alerts(service, ids, monkeypatch):
    svc, delivered, knowledge = service
    before = svc.kb.version
    delivered.clear()
    import bot.service.jobs as service_mod

    def boom(*a, **k):
        raise MemoryError("out of memory while embedding")

    monkeypatch.setattr(service_mod, "build_index", boom)
    with pytest.raises(MemoryError):
        svc.reindex()
    assert svc.kb.version == before and "FAILED" in delivered[0].text and before in delivered[0].text


def test_questions_keep_working_during_the_hot_swap(service):
    svc, _, knowledge = service
    conv = Conversation(svc.kb, svc.settings)
    errors, answers, stop = [], [], threading.Event()

    def ask():
        while not stop.is_set():
            try:
                r = conv.handle(Incoming(text="what goes in a cytotoxic spill kit", user_id="x"))[0]
                answers.append(r.index_version)
                assert r.kind is ReplyKind.ANSWER
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    workers = [threading.Thread(target=ask) for _ in range(3)]
    [w.start() for w in workers]
    for n in range(3):
        (knowledge / "corpus" / f"fx-extra-{n}.md").write_text(
            f"---\nid: fx-extra-{n}\ntitle: Extra {n}\n---\n## Part\n\nExtra note number {n} about labels.\n")
        svc.reindex()
    stop.set()
    [w.join() for w in workers]
    assert not errors and len(set(answers)) >= 2  # answered throughout, on the old and the new index


def test_other_replica_picks_up_the_new_snapshot(service, embedder):
    svc, _, knowledge = service
    other = KnowledgeBase(svc.settings, embedder=embedder)
    first = other.live.version
    (knowledge / "corpus" / "fx-late.md").write_text("---\nid: fx-late\ntitle: Late\n---\n## A\n\nA late addition.\n")
    svc.reindex()
    replica = Service(svc.settings, other, svc.records, lambda notes: None)
    assert replica.pick_up().startswith("swapped to") and other.version != first


def test_reindex_lock_is_exclusive(records, tmp_path):
    engine = records.sessions.kw["bind"]
    with jobs_db.reindex_lock(engine, tmp_path / "l.lock") as first:
        with jobs_db.reindex_lock(engine, tmp_path / "l.lock", wait=False) as second:
            assert first is True and second is False


def test_health_endpoints(service):
    from adapters.health import serve_health

    svc, _, _ = service
    server = serve_health(svc.kb, svc.records, host="127.0.0.1", port=0)
    port = server.server_port
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
            assert json.loads(r.read()) == {"status": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz") as r:
            body = json.loads(r.read())
            assert body["status"] == "ready" and body["index"]["version"] == svc.kb.version
    finally:
        server.shutdown()
