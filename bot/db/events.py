"""De-duplication of platform deliveries."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import ProcessedEvent


def first_delivery(session: Session, platform: str, event_key: str, now: dt.datetime) -> bool:
    """Record the delivery; False when the same key was seen before (a retry)."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(platform=platform, event_key=event_key[:200], received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True
