from bot.messages import Incoming, ReplyKind


def ask(conversation, text):
    replies = conversation.handle(Incoming(text=text, user_id="trainee-1", platform="console"))
    assert len(replies) == 1
    return replies[0]


def test_answer_carries_citations_confidence_and_actions(conversation):
    reply = ask(conversation, "what are the particle limits for grade B in operation?")
    assert reply.kind is ReplyKind.ANSWER
    c = reply.citations[0]
    assert (c.doc_id, c.title, c.section, c.version, c.effective, c.path) == (
        "fx-grades", "Cleanroom grades for aseptic preparation", "Particle limits", "2.1", "2025-03-01",
        "corpus/fx-grades.md")
    assert "Cleanroom grades for aseptic preparation · Particle limits · v2.1" in c.label()
    assert reply.index_version and 0 < reply.confidence <= 1
    assert {a.id for a in reply.actions} >= {"feedback_helpful", "feedback_not_helpful"}
    assert reply.text == "\n".join(q.text for q in reply.quotes)


def test_declined_answer_offers_an_expert(conversation):
    reply = ask(conversation, "how do I claim overtime on my payslip")
    assert reply.kind is ReplyKind.DECLINED
    assert "does not clearly cover this" in reply.text
    assert [a.id for a in reply.actions] == ["ask_expert"] and not reply.quotes


def test_empty_whitespace_and_huge_messages(conversation):
    assert ask(conversation, "").kind is ReplyKind.INVALID
    assert ask(conversation, "   \n\t ").kind is ReplyKind.INVALID
    long = ask(conversation, "why " * 800)
    assert long.kind is ReplyKind.INVALID and "3,199 characters" in long.text and "2,000" in long.text


def test_help(conversation):
    reply = ask(conversation, "help")
    assert reply.kind is ReplyKind.HELP and "particle limits" in reply.text


def test_no_index_gives_a_clear_message(tmp_path, embedder):
    from bot.answering.knowledge import KnowledgeBase
    from bot.config import Settings
    from bot.conversation import Conversation

    s = Settings(knowledge_dir=tmp_path, var_dir=tmp_path / "var")
    reply = ask(Conversation(KnowledgeBase(s, embedder=embedder), s), "grade B limits")
    assert reply.kind is ReplyKind.INVALID and "techserv index" in reply.text


def test_request_ids_and_json_logs(conversation):
    import json
    import logging

    from bot.service.logs import JsonFormatter, RequestIdFilter

    records = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = records.append
    logger = logging.getLogger("bot.conversation")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        conversation.handle(Incoming(text="help", user_id="u1", event_id="Ev-42"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "Ev-42" and line["message"] == "message from u1 on console"


def test_drain_waits_for_answers_in_flight(conversation, monkeypatch):
    import threading
    import time

    started, done = threading.Event(), []
    original = conversation.ask

    def slow_ask(question):
        started.set()
        time.sleep(0.5)
        return original(question)

    monkeypatch.setattr(conversation, "ask", slow_ask)
    t = threading.Thread(target=lambda: done.append(conversation.handle(Incoming(text="spill kit contents", user_id="u1"))))
    t.start()
    assert started.wait(10)
    assert not conversation.drain(0.05)  # an answer is still in flight
    assert conversation.drain(30)  # returns once the answer has been produced
    t.join(5)
    assert done and done[0][0].kind is ReplyKind.ANSWER


def in_thread(conversation, text, thread, user="trainee-2"):
    [reply] = conversation.handle(Incoming(text=text, user_id=user, platform="slack", channel="C1", thread=thread))
    return reply


def test_a_follow_up_in_the_same_thread_is_resolved_against_the_previous_question(conversation):
    first = in_thread(conversation, "whats the grade b particle limit in operation", "t-1")
    assert first.kind is ReplyKind.ANSWER and first.preface is None
    follow = in_thread(conversation, "and in grade C?", "t-1")
    assert follow.preface == "Taking this as: “whats the grade C particle limit in operation”"
    assert follow.kind is ReplyKind.ANSWER and "3 520 000" in follow.text
    assert follow.question == "whats the grade C particle limit in operation"


def test_a_new_thread_does_not_carry_the_previous_question(conversation):
    in_thread(conversation, "whats the grade b particle limit in operation", "t-2")
    fresh = in_thread(conversation, "and in grade C?", "t-3")
    assert fresh.preface is None and fresh.question == "and in grade C?"
    other_person = in_thread(conversation, "and in grade C?", "t-2", user="someone-else")
    assert other_person.preface is None


def test_follow_ups_expire(kb, built_env):
    from bot.answering.followups import FollowUps
    from bot.conversation import Conversation

    now = [0.0]
    conv = Conversation(kb, built_env, followups=FollowUps(window=300, clock=lambda: now[0]))
    in_thread(conv, "whats the grade b particle limit in operation", "t-4")
    now[0] += 301
    assert in_thread(conv, "and in grade C?", "t-4").preface is None


def test_show_the_whole_section(conversation):
    answer = in_thread(conversation, "what do i do if a bag leaks in the isolator", "t-5")
    show = next(a for a in answer.actions if a.id == "show_section")
    section = conversation.section(show.value)
    assert section.kind is ReplyKind.INFO and section.quotes[0].citation.doc_id == "fx-course"
    assert "4. Record the leak and tell the supervisor" in section.text
    typed = in_thread(conversation, "section", "t-5")
    assert typed.text == section.text
    gone = conversation.section("fx-nothing#Nowhere")
    assert gone.kind is ReplyKind.INVALID and "ask the question again" in gone.text


def test_who_can_i_ask_names_experts_from_the_directory(kb, built_env, tmp_path):
    import shutil

    from bot.config import Settings
    from bot.conversation import Conversation
    from tests.conftest import FIXTURES

    shutil.copy(FIXTURES / "experts.yaml", tmp_path / "experts.yaml")
    conv = Conversation(kb, Settings(knowledge_dir=tmp_path, var_dir=built_env.var_dir))
    reply = ask(conv, "who can i ask about radiopharmacy?")
    assert reply.kind is ReplyKind.INFO and "Rae Dioactive" in reply.text and "rae@example.nhs.uk" in reply.text
    assert "Radiopharmacy expert" in reply.text and [a.id for a in reply.actions] == ["ask_expert"]
    assert "Penny Nutri" in ask(conv, "is there an expert on parenteral nutrition").text


def test_how_do_i_get_signed_off_gives_the_competency(kb, built_env):
    from bot.config import Settings
    from bot.conversation import Conversation
    from tests.bot.conftest import ROOT

    conv = Conversation(kb, Settings(knowledge_dir=ROOT / "knowledge", var_dir=built_env.var_dir))
    reply = ask(conv, "how do i get signed off for gowning for grade B?")
    assert reply.kind is ReplyKind.INFO
    assert reply.text.startswith("ASP-02 Gowning for grade C and grade B areas") or reply.text.startswith("ASP-03")
    for part in ("Evidence the assessor needs:", "Assessed by: a mentor", "Courses:", "/signoff ASP-0"):
        assert part in reply.text
    assert reply.actions[0].id == "signoff_start" and reply.actions[0].value in ("ASP-02", "ASP-03")
    assert ask(conv, "what evidence do i need for ASP-08").actions[0].value == "ASP-08"


def test_clinical_questions_get_the_fixed_reply(conversation):
    reply = ask(conversation, "my patient is 70kg whats the dose of cyclophosphamide")
    assert reply.kind is ReplyKind.OUT_OF_SCOPE and not reply.quotes
    assert "clinical protocol" in reply.text and "pharmacist" in reply.text
