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
