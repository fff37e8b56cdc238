"""De-duplication of platform deliveries."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import ConversationRef, ProcessedEvent


def first_delivery(session: Session, platform: str, event_key: str, now: dt.datetime) -> bool:
    """Record the delivery; False when the same key was seen before (a retry)."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(platform=platform, event_key=event_key[:200], received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def save_reference(session: Session, person_id: int, platform: str, reference: str, now: dt.datetime) -> None:
    row = session.execute(select(ConversationRef).where(ConversationRef.person_id == person_id,
                                                        ConversationRef.platform == platform)).scalar_one_or_none()
    if row is None:
        session.add(ConversationRef(person_id=person_id, platform=platform, reference=reference, updated_at=now))
    elif row.reference != reference:
        row.reference, row.updated_at = reference, now
    session.flush()


def get_reference(session: Session, person_id: int, platform: str) -> str | None:
    return session.execute(select(ConversationRef.reference).where(ConversationRef.person_id == person_id,
                                                                   ConversationRef.platform == platform)).scalar()
