"""Conversation commands for experts in the loop: expert, claim, answer, close, publish, retire,
helpful / not helpful, my questions (with or without a leading slash)."""
from __future__ import annotations

import re

from bot.messages import Incoming, Reply, ReplyKind

_ID = r"(?:E-?)?(\d+)"
PATTERNS = [
    ("expert", re.compile(r"^/?(?:expert|ask an expert)\b[:\s]*(?P<rest>.*)$", re.I | re.S)),
    ("claim", re.compile(rf"^/?claim\s+{_ID}\s*$", re.I)),
    ("answer", re.compile(rf"^/?answer\s+{_ID}\b[:\s]*(?P<rest>.*)$", re.I | re.S)),
    ("close", re.compile(rf"^/?close\s+{_ID}\s*$", re.I)),
    ("publish", re.compile(rf"^/?publish\s+{_ID}\s*$", re.I)),
    ("retire", re.compile(r"^/?retire\s+(?:VA-?)?(\d+)\b[:\s]*(?P<rest>.*)$", re.I | re.S)),
    ("helpful", re.compile(r"^/?helpful[.!]*\s*$", re.I)),
    ("not_helpful", re.compile(r"^/?not helpful\b[:.!\s]*(?P<rest>.*)$", re.I | re.S)),
    ("mine", re.compile(r"^/?my questions\s*$", re.I)),
    ("assigned", re.compile(r"^/?my escalations\s*$", re.I)),
    ("availability", re.compile(r"^/?(?:available|availability)\s+(on|off)\s*$", re.I)),
]


def match_expert_command(text: str):
    for name, pattern in PATTERNS:
        m = pattern.match(text.strip())
        if m:
            return name, m
    return None


def _reply(out) -> Reply:
    return Reply(ReplyKind.RECORD if out.ok else ReplyKind.INVALID, out.message, notifications=list(out.notifications))


def handle_expert_command(conversation, msg: Incoming, name: str, m) -> Reply:
    records = conversation.records
    if records is None:
        return Reply(ReplyKind.INVALID, "Expert escalation is not set up on this assistant: ask an administrator.")
    person = records.person_for(msg)
    if person is None:
        return Reply(ReplyKind.INVALID, "I don't know who you are yet: ask your training lead to add you to TechServ Assistant.")
    rest = (m.groupdict().get("rest") or "").strip()
    if name == "expert":
        question = rest
        if not question:
            last = records.feedback.last_question(person.id)
            if last is None:
                return Reply(ReplyKind.INVALID, "Tell me the question for the expert, e.g. `expert how long can …`.")
            question = last.question
        return _reply(escalate(conversation, person.id, question))
    if name in ("helpful", "not_helpful"):
        last = records.feedback.last_question(person.id)
        if last is None:
            return Reply(ReplyKind.INVALID, "There is no answer to rate yet: ask a question first.")
        return _reply(records.feedback.rate(person.id, last.id, name == "helpful", rest))
    if name == "mine":
        rows = records.experts.mine(person.id)
        if not rows:
            return Reply(ReplyKind.RECORD, "You have not asked an expert anything yet.")
        lines = [f"E-{e.id} [{e.status}] “{e.question}”" + (f"\n    answer: {e.answer_text}" if e.answer_text else "")
                 for e in rows]
        return Reply(ReplyKind.RECORD, "Your questions to experts:\n" + "\n".join(lines))
    if name == "assigned":
        rows = records.experts.assigned(person.id)
        text = "\n".join(f"E-{e.id} [{e.status}] “{e.question}” — claim by {e.deadline_at:%d %b %H:%M} UTC" for e in rows)
        return Reply(ReplyKind.RECORD, ("Escalations assigned to you:\n" + text) if rows else "Nothing is assigned to you.")
    if name == "availability":
        return _reply(records.experts.set_availability(person.id, m.group(1).lower() == "on"))
    target = int(m.group(1))
    if name == "claim":
        return _reply(records.experts.claim(person.id, target))
    if name == "answer":
        return _reply(records.experts.answer(person.id, target, rest))
    if name == "close":
        return _reply(records.experts.close(person.id, target))
    if name == "publish":
        return _reply(records.verified.publish(person.id, target))
    return _reply(records.verified.retire(person.id, target, rest))  # retire


def _excerpt(text: str, limit: int = 300) -> str:
    """A passage shown to the expert as context: cut between words, and the cut marked with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def escalate(conversation, person_id: int, question: str, origin: dict | None = None):
    """Send a question to an expert with the assistant's own best passages and confidence."""
    passages, confidence, version = [], None, None
    try:
        live = conversation.kb.live
        result = live.answerer.answer(question)
        confidence, version = result.confidence, live.version
        for chunk in result.chunks[:3]:
            passages.append({"doc_id": chunk.doc_id, "title": chunk.title, "section": " > ".join(chunk.section),
                             "version": chunk.version, "text": _excerpt(chunk.text)})
    except Exception:  # no index loaded: the expert still gets the question
        pass
    return conversation.records.experts.escalate(person_id, question, confidence, passages, version, origin)
