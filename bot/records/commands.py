"""Typed training-record commands (terminal and chat): sign-off requests, decisions, passport."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.db.models import Person
from bot.messages import Incoming, Reply, ReplyKind

from .passport import render_text

if TYPE_CHECKING:  # the wiring is passed in; records never imports the service layer at run time
    from bot.service.wiring import Records

EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
URL = re.compile(r"^https?://\S+$")
REQ = re.compile(r"^(?:SO-)?(\d+)$", re.I)

RECORD_HELP = """Training-record commands:
  /signoff COMPETENCY MENTOR-EMAIL evidence text and links   ask a mentor to sign off a competency
  /withdraw SO-N [reason]            withdraw your request
  /pending                           requests waiting for your decision (mentors)
  /approve SO-N [comment]            sign as competent
  /changes SO-N reason               ask for more evidence
  /reject SO-N reason                not yet competent
  /correct SO-N reason               withdraw an approval given in error (signer or admin)
  /passport   /plan                  your skills passport and training plan"""
COMMANDS = {"/signoff", "/withdraw", "/pending", "/approve", "/changes", "/reject", "/correct", "/passport", "/plan",
            "/records"}


def is_record_command(text: str) -> bool:
    return text.split(maxsplit=1)[0].lower() in COMMANDS if text.strip() else False


def _reply(ok: bool, text: str, notifications=None) -> Reply:
    return Reply(ReplyKind.RECORD if ok else ReplyKind.INVALID, text, notifications=list(notifications or []))


def handle_record_command(records: Records | None, msg: Incoming, text: str) -> Reply:
    if records is None:
        return _reply(False, "Training records are not set up on this assistant: ask an administrator.")
    command, _, rest = text.strip().partition(" ")
    command, rest = command.lower(), rest.strip()
    if command == "/records":
        return Reply(ReplyKind.HELP, RECORD_HELP)
    person = records.person_for(msg)
    if person is None:
        return _reply(False, "I don't know who you are yet: ask your training lead to add you to TechServ Assistant.")
    if command == "/signoff":
        return _signoff(records, person, rest)
    if command in ("/passport", "/plan"):
        text = render_text(records.passport(person.id))
        if command == "/plan":
            text = text[text.index("Training plan:"):]
        return _reply(True, text)
    if command == "/pending":
        pending = records.signoffs.pending(person.id)
        if not pending:
            return _reply(True, "Nothing is waiting for your decision.")
        lines = [f"SO-{r.id} {r.competency_id} {r.competency_title} — {records.describe(r.trainee_id)}, "
                 f"requested {r.created_at:%d %b %Y}\n    evidence: {r.evidence_text or '(none)'}" for r in pending]
        return _reply(True, "Waiting for your decision:\n" + "\n".join(lines))
    first, _, reason = rest.partition(" ")
    m = REQ.match(first)
    if not m:
        return _reply(False, f"Say which request, e.g. `{command} SO-12`.")
    request_id = int(m.group(1))
    if command == "/withdraw":
        out = records.signoffs.withdraw(person.id, request_id, reason)
    elif command == "/correct":
        out = records.signoffs.correct(person.id, request_id, reason, platform=msg.platform)
    else:
        out = records.signoffs.decide(person.id, request_id, command[1:], reason, platform=msg.platform,
                                      event_id=msg.event_id)
    return _reply(out.ok, out.message, out.notifications)


def _signoff(records: Records, person: Person, rest: str) -> Reply:
    words = rest.split()
    if len(words) < 2:
        return _reply(False, "Usage: /signoff COMPETENCY MENTOR-EMAIL evidence… e.g. "
                             "`/signoff ASP-01 sam.mentor@example.nhs.uk observed hand hygiene on 3 sessions`")
    competency, mentor = words[0], next((w for w in words[1:] if EMAIL.match(w)), None)
    if mentor is None:
        return _reply(False, "Name your mentor by email, e.g. `/signoff ASP-01 sam.mentor@example.nhs.uk …`.")
    links = [w for w in words[1:] if URL.match(w)]
    evidence = " ".join(w for w in words[1:] if w != mentor and w not in links)
    out = records.signoffs.request(person.id, competency, mentor, evidence, links)
    return _reply(out.ok, out.message, out.notifications)
