"""Conversation context in the database: the last question and the last quoted section of each place
(platform, person, channel, thread), so a follow-up ("and in grade C?") or `section` is understood by
whichever replica receives it, and survives a restart. Places are stored as a SHA-256 key, not as ids.
The in-memory twin, with the same three methods, is ``bot/answering/followups.MemoryPlaces``."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.context import recall_place, remember_place


def place_key(place: tuple) -> str:
    return hashlib.sha256("\0".join("" if p is None else str(p) for p in place).encode()).hexdigest()


class SharedPlaces:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime]):
        self.sessions = sessions
        self.clock = clock

    def question(self, place: tuple, window: float) -> str | None:
        """The place's last question, if it was asked within ``window`` seconds."""
        with self.sessions() as session:
            row = recall_place(session, place_key(place))
            if row is None or not row.question or row.question_at is None:
                return None
            if (self.clock() - row.question_at).total_seconds() > window:
                return None
            return row.question

    def section(self, place: tuple) -> str | None:
        with self.sessions() as session:
            row = recall_place(session, place_key(place))
            return row.section_ref if row is not None else None

    def remember(self, place: tuple, question: str | None = None, section_ref: str | None = None) -> None:
        key = place_key(place)
        for attempt in (1, 2):  # two replicas creating the same place at once: the second updates instead
            try:
                with self.sessions.begin() as session:
                    remember_place(session, key, self.clock(), question, section_ref)
                return
            except IntegrityError:
                if attempt == 2:
                    raise
