"""Follow-ups and `section` through the database: two Conversation objects over one database stand for two
replicas behind a load balancer (on SQLite and PostgreSQL)."""
from sqlalchemy import select

from bot.conversation import Conversation
from bot.db.models import ConversationContext
from bot.messages import Incoming, ReplyKind


def say(conv, text, thread, user="trainee-2"):
    [reply] = conv.handle(Incoming(text=text, user_id=user, platform="slack", channel="C1", thread=thread))
    return reply


def test_a_follow_up_is_understood_by_another_replica_and_expires(kb, built_env, records, clock):
    a, b = Conversation(kb, built_env, records), Conversation(kb, built_env, records)
    first = say(a, "whats the grade b particle limit in operation", "t-1")
    assert first.kind is ReplyKind.ANSWER
    follow = say(b, "and in grade C?", "t-1")
    assert follow.preface == "Taking this as: “whats the grade C particle limit in operation”"
    assert "3 520 000" in follow.text
    # the follow-up became the place's question: a further one builds on it, on either replica
    assert say(a, "and at rest?", "t-1").question == "whats the grade C particle limit at rest"
    assert say(b, "and in grade C?", "t-2").preface is None  # another thread starts fresh
    assert say(b, "and in grade C?", "t-1", user="someone-else").preface is None  # and so does another person
    clock.advance(seconds=301)
    assert say(b, "and in grade D?", "t-1").preface is None  # older than the window


def test_section_is_shown_by_another_replica_and_places_are_not_stored_as_ids(kb, built_env, records):
    a, b = Conversation(kb, built_env, records), Conversation(kb, built_env, records)
    answer = say(a, "what do i do if a bag leaks in the isolator", "t-5")
    assert answer.kind is ReplyKind.ANSWER
    typed = say(b, "section", "t-5")
    assert typed.kind is ReplyKind.INFO and "4. Record the leak and tell the supervisor" in typed.text
    assert say(b, "section", "t-6").kind is ReplyKind.INVALID  # nothing asked in that thread
    with records.sessions() as session:
        rows = session.scalars(select(ConversationContext)).all()
    assert rows and all(len(r.place_key) == 64 and "trainee-2" not in r.place_key for r in rows)
