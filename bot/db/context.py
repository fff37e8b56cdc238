"""Conversation context per place (``ConversationContext``): read and overwrite one row."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from .models import ConversationContext


def recall_place(session: Session, key: str) -> ConversationContext | None:
    return session.get(ConversationContext, key)


def remember_place(session: Session, key: str, at: dt.datetime, question: str | None = None,
                   section_ref: str | None = None) -> None:
    row = session.get(ConversationContext, key)
    if row is None:
        row = ConversationContext(place_key=key, updated_at=at)
        session.add(row)
    if question is not None:
        row.question, row.question_at = question, at
    if section_ref is not None:
        row.section_ref = section_ref
    row.updated_at = at
