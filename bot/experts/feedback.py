"""The question log and answer feedback (helpful / not helpful, with an optional comment)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import experts as ex_db
from bot.messages import Reply, ReplyKind
from bot.records.signoffs import Outcome, utcnow


OUTCOMES = {ReplyKind.ANSWER: "answered", ReplyKind.DECLINED: "declined", ReplyKind.OUT_OF_SCOPE: "out_of_scope"}


class FeedbackService:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime] = utcnow):
        self.sessions = sessions
        self.clock = clock

    def log(self, person_id: int | None, platform: str, question: str, reply: Reply, nearest_docs: list[dict]) -> int:
        """Store an answered, declined or out-of-scope question with what was cited (or the nearest documents)."""
        cited = ([{"doc_id": c.doc_id, "version": c.version, "section": c.section} for c in reply.citations]
                 if reply.kind is ReplyKind.ANSWER else nearest_docs)
        with self.sessions.begin() as session:
            row = ex_db.log_question(session, person_id=person_id, platform=platform, question=question,
                                     outcome=OUTCOMES.get(reply.kind, "declined"),
                                     confidence=reply.confidence, answer_text=reply.text if reply.kind is ReplyKind.ANSWER else "",
                                     cited=json.dumps(cited), index_version=reply.index_version, created_at=self.clock())
            return row.id

    def last_question(self, person_id: int):
        with self.sessions() as session:
            return ex_db.last_logged_for(session, person_id)

    def rate(self, person_id: int | None, log_id: int, helpful: bool, comment: str = "") -> Outcome:
        with self.sessions.begin() as session:
            row = ex_db.get_logged(session, log_id)
            if row is None or row.outcome != "answered":
                return Outcome(False, "There is no answer to rate yet: ask a question first.")
            if row.person_id is not None and person_id != row.person_id:
                return Outcome(False, "You can only rate answers to your own questions.")
            if ex_db.feedback_for(session, log_id, person_id) is not None:
                return Outcome(False, "You have already rated that answer. Thank you!")
            try:
                with session.begin_nested():
                    ex_db.add_feedback(session, question_log_id=log_id, person_id=person_id,
                                       rating="helpful" if helpful else "not_helpful", comment=(comment or "").strip()[:2000],
                                       created_at=self.clock())
            except IntegrityError:
                return Outcome(False, "You have already rated that answer. Thank you!")
        return Outcome(True, "Thanks — noted as helpful." if helpful else
                       "Thanks — noted as not helpful; training leads review these to improve the material. "
                       "You can also ask an expert: type `expert` to send the question on.", log_id)
