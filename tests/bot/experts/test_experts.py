"""Experts in the loop: routing, lifecycle and refusals, verified answers, feedback, gaps, privacy."""
import json
import shutil

import pytest
from sqlalchemy import func, select

from bot.conversation import Conversation
from bot.db.models import Escalation, Feedback, QuestionLog
from bot.experts.escalations import sync_experts
from bot.experts.gaps import cluster, collect, render_markdown
from bot.experts.verified import export_verified
from bot.messages import Incoming, ReplyKind
from bot.privacy import find_identifiers, valid_nhs_number
from bot.service.wiring import Records
from tests.conftest import FIXTURES

RADIO_Q = "what is the Mo-99 breakthrough limit for the technetium generator eluate"
PN_Q = "can calcium gluconate go in straight after the phosphate in a neonatal PN bag"


@pytest.fixture
def xrecords(engine, framework, clock, records, embedder) -> Records:
    recs = Records(records.sessions, framework, clock, embed=embedder.encode, deadline_hours=24)
    sync_experts(recs.sessions, FIXTURES / "experts.yaml", clock)
    return recs


def pid(records, email):
    return records.person_by_email(email).id


def test_directory_sync_is_idempotent_and_audited(xrecords, clock):
    again = sync_experts(xrecords.sessions, FIXTURES / "experts.yaml", clock)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert "expert" in xrecords.person_by_email("rae@example.nhs.uk").role_set


def test_routing_by_topic_load_and_availability(xrecords, ids):
    e = xrecords.experts
    pn = e.escalate(ids["tara"], PN_Q)
    assert pn.ok and pn.notifications[0].person_id == pid(xrecords, "penny@example.nhs.uk")
    assert pn.message.startswith("Routed to the PN specialist pharmacist (Penny Nutri): question about")
    first = e.escalate(ids["tara"], RADIO_Q)
    second = e.escalate(ids["tara"], RADIO_Q + " please")
    # two radiopharmacy experts match equally: the second question goes to the less loaded one
    assert {first.notifications[0].person_id, second.notifications[0].person_id} == {
        pid(xrecords, "rae@example.nhs.uk"), pid(xrecords, "ray@example.nhs.uk")}
    assert "question about Mo-99 breakthrough" in first.message or "question about technetium generator" in first.message
    # the SACT expert is unavailable: a cytotoxic question goes to someone else
    sact = e.escalate(ids["tara"], "what do I do after a cytotoxic spill inside the isolator")
    assert sact.notifications[0].person_id != pid(xrecords, "sacha@example.nhs.uk")
    note = first.notifications[0].text
    assert "band 4, Site A" in note and RADIO_Q in note and "claim by" in note.lower()


def test_expert_sees_the_assistants_passages(xrecords, ids):
    passages = [{"doc_id": "fx-generator", "title": "Technetium-99m generator elution", "section": "Molybdenum-99 breakthrough",
                 "version": "3.0", "text": "Every first eluate is tested for molybdenum-99 breakthrough."}]
    out = xrecords.experts.escalate(ids["tara"], RADIO_Q, 0.41, passages, "v-test")
    text = out.notifications[0].text
    assert "confidence 0.41" in text and "Technetium-99m generator elution › Molybdenum-99 breakthrough (v3.0)" in text


def test_lifecycle_and_wrong_person_refusals(xrecords, ids):
    e = xrecords.experts
    out = e.escalate(ids["tara"], PN_Q)
    esc, penny, rae = out.request_id, pid(xrecords, "penny@example.nhs.uk"), pid(xrecords, "rae@example.nhs.uk")
    assert "assigned to someone else" in e.claim(rae, esc).message
    assert "Only the expert" in e.answer(rae, esc, "yes").message
    assert "can be closed once it is answered" in e.close(ids["tara"], esc).message
    claimed = e.claim(penny, esc)
    assert claimed.ok and claimed.notifications[0].person_id == ids["tara"]
    assert "already claimed" in e.claim(penny, esc).message
    answered = e.answer(penny, esc, "No: separate them, add phosphate early and calcium late.")
    assert answered.ok and "separate them" in answered.notifications[0].text
    assert answered.notifications[0].person_id == ids["tara"]
    assert "Only the person who asked" in e.close(penny, esc).message
    assert e.close(ids["tara"], esc).ok
    assert "Only the expert who answered" in xrecords.verified.publish(rae, esc).message
    with xrecords.sessions() as s:
        row = s.get(Escalation, esc)
        assert row.status == "closed" and row.claimed_at and row.answered_at and row.closed_at


def test_unclaimed_escalations_are_rerouted_then_go_to_the_fallback(xrecords, ids, clock):
    e = xrecords.experts
    out = e.escalate(ids["tara"], PN_Q)
    first = out.notifications[0].person_id
    assert e.reroute_overdue() == []  # not yet due
    clock.advance(hours=25)
    notes = e.reroute_overdue()
    second = notes[0].person_id
    assert second != first and notes[1].person_id == ids["tara"] and "moved to" in notes[1].text
    assert e.reroute_overdue() == []  # idempotent: the new deadline is a day away
    for _ in range(6):  # keep missing deadlines: every individual expert is tried, then the group
        clock.advance(hours=25)
        e.reroute_overdue()
    network = pid(xrecords, "network@example.nhs.uk")
    with xrecords.sessions() as s:
        row = s.get(Escalation, out.request_id)
        assert row.expert_id == network and row.status == "open"
        assert first in json.loads(row.previous_experts)


def test_publish_then_reindex_cites_the_verified_answer(xrecords, ids, tmp_path, corpus_dir, embedder, built_env):
    from bot.answering.knowledge import KnowledgeBase
    from bot.config import Settings
    from indexer.build import BuildConfig, build_index

    e = xrecords.experts
    question = "can reconstituted pembrolizumab be frozen for use next week"
    esc = e.escalate(ids["tara"], question).request_id
    with xrecords.sessions() as s:
        expert = s.get(Escalation, esc).expert_id
    e.answer(expert, esc, "No. Reconstituted pembrolizumab must not be frozen; store it at 2 to 8 C as the SmPC says.")
    published = xrecords.verified.publish(expert, esc)
    assert published.ok and "VA-" in published.message
    assert "already published" in xrecords.verified.publish(expert, esc).message
    verified = tmp_path / "verified"
    assert export_verified(xrecords.sessions, verified) == 1
    knowledge = tmp_path / "knowledge"
    shutil.copytree(corpus_dir, knowledge / "corpus")
    s = Settings(knowledge_dir=knowledge, var_dir=tmp_path / "var")
    build_index(BuildConfig(sources=[knowledge / "corpus", verified], index_root=s.index_dir, cache_dir=s.cache_dir),
                embedder=embedder)
    conv = Conversation(KnowledgeBase(s, embedder=embedder), s)
    [reply] = conv.handle(Incoming(text="is it ok to freeze made-up pembrolizumab", user_id="x"))
    assert reply.kind is ReplyKind.ANSWER
    c = reply.citations[0]
    assert c.title.startswith("Verified answer — ") and c.path == "verified/va-1.md" and c.section == question
    assert "must not be frozen" in reply.text
    # retiring removes it at the next export
    assert "Say why" in xrecords.verified.retire(expert, 1, "").message
    assert xrecords.verified.retire(expert, 1, "SmPC updated").ok
    assert export_verified(xrecords.sessions, verified) == 0 and not list(verified.glob("va-*.md"))


def test_second_expert_confirmation(xrecords, ids):
    xrecords.verified.require_second_expert = True
    e = xrecords.experts
    esc = e.escalate(ids["tara"], PN_Q).request_id
    penny, rae = pid(xrecords, "penny@example.nhs.uk"), pid(xrecords, "rae@example.nhs.uk")
    e.answer(penny, esc, "Keep them apart.")
    assert "needs a second expert" in xrecords.verified.publish(penny, esc).message
    assert "different expert" in xrecords.verified.publish(penny, esc).message
    assert "confirmed and published" in xrecords.verified.publish(rae, esc).message


def test_feedback_is_stored_with_what_was_cited(xrecords, ids, kb, built_env):
    conv = Conversation(kb, built_env, xrecords)
    [reply] = conv.handle(Incoming(text="what goes in a cytotoxic spill kit", user_id="tara@example.nhs.uk"))
    assert reply.kind is ReplyKind.ANSWER and reply.log_id
    assert [a.value for a in reply.actions if a.id.startswith("feedback_")] == [str(reply.log_id)] * 2
    [rated] = conv.handle(Incoming(text="not helpful: too short", user_id="tara@example.nhs.uk"))
    assert rated.kind is ReplyKind.RECORD
    [again] = conv.handle(Incoming(text="helpful", user_id="tara@example.nhs.uk"))
    assert "already rated" in again.text
    with xrecords.sessions() as s:
        fb = s.execute(select(Feedback)).scalar_one()
        log = s.get(QuestionLog, fb.question_log_id)
        assert (fb.rating, fb.comment) == ("not_helpful", "too short")
        assert log.question == "what goes in a cytotoxic spill kit" and "absorbent pads" in log.answer_text
        assert json.loads(log.cited)[0] == {"doc_id": "fx-spills", "version": "2.0", "section": "Using the spill kit"}
        assert log.index_version == kb.live.version


def test_terminal_escalation_from_a_declined_question(xrecords, ids, kb, built_env):
    conv = Conversation(kb, built_env, xrecords)
    [declined] = conv.handle(Incoming(text="what is the shelf life of our homemade lip balm", user_id="tara@example.nhs.uk"))
    assert declined.kind is ReplyKind.DECLINED
    [sent] = conv.handle(Incoming(text="expert", user_id="tara@example.nhs.uk"))
    assert sent.kind is ReplyKind.RECORD and "E-" in sent.text and sent.notifications
    [mine] = conv.handle(Incoming(text="my questions", user_id="tara@example.nhs.uk"))
    assert "homemade lip balm" in mine.text and "[open]" in mine.text


def test_clinical_questions_are_logged_for_the_gap_report_and_never_quoted(xrecords, ids, kb, built_env, clock):
    conv = Conversation(kb, built_env, xrecords)
    [reply] = conv.handle(Incoming(text="what rate should the vanc infusion run at for the lady in bed 4",
                                   user_id="tara@example.nhs.uk"))
    assert reply.kind is ReplyKind.OUT_OF_SCOPE and not reply.quotes and reply.log_id
    with xrecords.sessions() as s:
        log = s.get(QuestionLog, reply.log_id)
        assert (log.outcome, log.answer_text, log.person_id) == ("out_of_scope", "", ids["tara"])
        items = collect(s, clock.now.replace(year=2025))
    assert [(i.question, i.reason) for i in items] == [
        ("what rate should the vanc infusion run at for the lady in bed 4", "clinical (out of scope)")]


def test_gap_report_clusters_questions(xrecords, ids, clock, embedder):
    from bot.db import experts as ex_db

    questions = ["how do i store the flu vaccine fridge", "what temperature for vaccine fridges",
                 "vaccine fridge went to 10 degrees overnight", "radiation dose limit for my fingers",
                 "how much finger radiation dose is allowed", "extremity dosimeter radiation limit"]
    with xrecords.sessions.begin() as s:
        for q in questions:
            ex_db.log_question(s, person_id=ids["tara"], platform="console", question=q, outcome="declined",
                               confidence=0.3, answer_text="", cited=json.dumps([{"doc_id": "fx-fridge"}]),
                               index_version="v", created_at=clock.now)
    with xrecords.sessions() as s:
        items = collect(s, clock.now.replace(year=2025))
    clusters = cluster(items, embedder.encode)
    groups = sorted(sorted(i.question for i in c.items) for c in clusters)
    assert groups == sorted([sorted(questions[:3]), sorted(questions[3:])])
    md = render_markdown(clusters, clock.now.replace(year=2025), {"fx-fridge": "Fridge SOP"})
    assert "6 questions were declined" in md and "Fridge SOP [fx-fridge]" in md


@pytest.mark.parametrize("text, caught", [
    ("can the patient with NHS number 943 476 5919 have his bag early", True),
    ("nhs no 9434765919 needs a new PN", True),
    ("nhs no 943-476-5919", True),
    ("check 9434765918 please", False),  # wrong check digit
    ("batch 1234567890 expiry", False),
    ("Mrs Jones dob 12/03/1950 needs her chemo moved", True),
    ("the grade B limit is 352 000 per m3", False),
])
def test_nhs_number_and_name_dob_guard(text, caught):
    assert bool(find_identifiers(text)) is caught


def test_guard_stores_and_escalates_nothing(xrecords, ids, kb, built_env):
    assert valid_nhs_number("9434765919") and not valid_nhs_number("9434765918")
    conv = Conversation(kb, built_env, xrecords)
    for text in ("expert pt 943 476 5919 has a reaction", "is 9434765919 on the chemo list"):
        [reply] = conv.handle(Incoming(text=text, user_id="tara@example.nhs.uk"))
        assert reply.kind is ReplyKind.INVALID and "NHS number" in reply.text and "not stored" in reply.text
    with xrecords.sessions() as s:
        assert s.execute(select(func.count()).select_from(QuestionLog)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Escalation)).scalar_one() == 0


def test_document_owner_and_topics_steer_routing(xrecords, embedder):
    from bot.db import experts as ex_db
    from bot.experts.escalations import ExpertRouter

    question = "is this acceptable or should the product be quarantined"
    with xrecords.sessions() as s:
        profiles = ex_db.profiles(s)
        plain = ExpertRouter(embedder.encode, {}).route(question, profiles, [], {})
        steered = ExpertRouter(embedder.encode, {"doc-pn": "PN specialist pharmacist"},
                               {"doc-pn": ["lipid emulsions", "neonatal pn"]}).route(question, profiles, ["doc-pn"], {})
        penny = next(p.person_id for p in profiles if p.external_id == "exp-pn-1")
    assert steered.expert_id == penny
    assert plain is not None  # without the passages' documents some expert is still chosen


def test_expert_availability_toggle(xrecords, ids, kb, built_env):
    conv = Conversation(kb, built_env, xrecords)
    [off] = conv.handle(Incoming(text="available off", user_id="penny@example.nhs.uk"))
    assert off.kind is ReplyKind.RECORD and "will not be sent new questions" in off.text
    out = xrecords.experts.escalate(ids["tara"], PN_Q)
    assert out.notifications[0].person_id != pid(xrecords, "penny@example.nhs.uk")
    [on] = conv.handle(Incoming(text="available on", user_id="penny@example.nhs.uk"))
    assert "available for new questions" in on.text
    [refused] = conv.handle(Incoming(text="available off", user_id="tara@example.nhs.uk"))
    assert refused.kind is ReplyKind.INVALID
