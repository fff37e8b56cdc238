"""Verified answers: an expert's answer published to the knowledge base, cited as
"Verified answer — <expert>, <date>", retired when no longer right.

Published answers are exported as Markdown documents into the verified-answers folder, which the
indexer reads like any other source at the next re-index (the database stays the record).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.db import audit as audit_db
from bot.db import experts as ex_db
from bot.db import people as people_db
from bot.db.models import VerifiedAnswer
from bot.messages import Notification
from bot.records.signoffs import Outcome, utcnow

from .escalations import eref


def doc_id(va: VerifiedAnswer) -> str:
    return f"va-{va.id}"


class VerifiedAnswers:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime] = utcnow,
                 require_second_expert: bool = False):
        self.sessions = sessions
        self.clock = clock
        self.require_second_expert = require_second_expert

    def publish(self, expert_id: int, escalation_id: int) -> Outcome:
        now = self.clock()
        with self.sessions.begin() as session:
            esc = ex_db.get_escalation(session, escalation_id)
            if esc is None:
                return Outcome(False, f"There is no escalation {eref(escalation_id)}.")
            if esc.status not in ("answered", "closed") or not esc.answer_text:
                return Outcome(False, f"{eref(esc.id)} has no answer to publish yet.")
            existing = ex_db.verified_for_escalation(session, esc.id)
            expert = people_db.get_person(session, expert_id)
            if existing is not None and existing.status == "awaiting_second":
                return self._second(session, existing, expert, now)
            if existing is not None:
                return Outcome(False, f"{eref(esc.id)} is already {existing.status.replace('_', ' ')} as VA-{existing.id}.")
            if esc.expert_id != expert_id:
                return Outcome(False, f"Only the expert who answered {eref(esc.id)} can publish it.")
            status = "awaiting_second" if self.require_second_expert else "published"
            va = ex_db.add_verified(session, escalation_id=esc.id, question=esc.question, answer_text=esc.answer_text,
                                    expert_id=expert.id, status=status, created_at=now,
                                    published_at=now if status == "published" else None)
            audit_db.append_event(session, actor=expert, action=f"verified.{status}", entity="verified_answer",
                                  entity_id=str(va.id), now=now, new={"escalation": esc.id, "status": status})
            if status == "awaiting_second":
                return Outcome(True, f"VA-{va.id} needs a second expert: another expert can confirm it with "
                                     f"`publish {eref(esc.id)}`.", va.id)
            return Outcome(True, f"Published as VA-{va.id}; it will be searchable after the next re-index.", va.id)

    def _second(self, session: Session, va: VerifiedAnswer, expert, now: dt.datetime) -> Outcome:
        if expert is None or "expert" not in expert.role_set:
            return Outcome(False, "Only an expert can confirm a verified answer.")
        if expert.id == va.expert_id:
            return Outcome(False, f"VA-{va.id} needs a different expert to confirm it.")
        if not ex_db.set_verified(session, va.id, "awaiting_second", status="published", second_expert_id=expert.id,
                                  published_at=now):
            return Outcome(False, f"VA-{va.id} was confirmed by someone else already.")
        audit_db.append_event(session, actor=expert, action="verified.published", entity="verified_answer",
                              entity_id=str(va.id), now=now, old={"status": "awaiting_second"},
                              new={"status": "published", "second_expert_id": expert.id})
        return Outcome(True, f"VA-{va.id} confirmed and published.", va.id,
                       [Notification(va.expert_id, f"{expert.name} confirmed your verified answer VA-{va.id}.",
                                     "verified_published", None)])

    def retire(self, actor_id: int, verified_id: int, reason: str) -> Outcome:
        reason = (reason or "").strip()
        if not reason:
            return Outcome(False, "Say why the verified answer is being retired.")
        now = self.clock()
        with self.sessions.begin() as session:
            va = ex_db.get_verified(session, verified_id)
            actor = people_db.get_person(session, actor_id)
            if va is None:
                return Outcome(False, f"There is no verified answer VA-{verified_id}.")
            if actor.id not in (va.expert_id, va.second_expert_id) and "admin" not in actor.role_set:
                return Outcome(False, "Only the experts who published it, or an administrator, can retire it.")
            if not ex_db.set_verified(session, va.id, "published", status="retired", retired_at=now):
                return Outcome(False, f"VA-{va.id} is not published.")
            audit_db.append_event(session, actor=actor, action="verified.retired", entity="verified_answer",
                                  entity_id=str(va.id), now=now, reason=reason, old={"status": "published"},
                                  new={"status": "retired"})
            return Outcome(True, f"VA-{va.id} retired; it leaves the index at the next re-index.", va.id)


def export_verified(sessions: sessionmaker[Session], folder: Path) -> int:
    """Write one Markdown document per published answer and remove files of retired ones."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, str] = {}
    with sessions() as session:
        for va in ex_db.published_verified(session):
            when = va.published_at.date().isoformat()
            names = va.expert.name + (f" and {va.second_expert.name}" if va.second_expert else "")
            meta = {"id": doc_id(va), "title": f"Verified answer — {names}, {when}", "type": "verified-answer",
                    "version": "1", "effective": when, "owner": va.expert.name, "status": "verified"}
            question = re.sub(r"\s+", " ", va.question).strip()
            body = f"# {meta['title']}\n\n## {question}\n\n{va.answer_text.strip()}\n"
            wanted[f"{doc_id(va)}.md"] = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body
    for path in folder.glob("va-*.md"):
        if path.name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            tmp = folder / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
    return len(wanted)
