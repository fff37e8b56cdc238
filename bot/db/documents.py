"""Queries about who owns the upkeep of each knowledge document (assigned from the dashboard's gap report)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from .models import DocumentOwner


def current_owner(session: Session, doc_id: str) -> DocumentOwner | None:
    return session.execute(select(DocumentOwner).where(DocumentOwner.current_key == doc_id)
                           .options(selectinload(DocumentOwner.owner))).scalar_one_or_none()


def current_owners(session: Session) -> dict[str, DocumentOwner]:
    rows = session.execute(select(DocumentOwner).where(DocumentOwner.current_key.is_not(None))
                           .options(selectinload(DocumentOwner.owner), selectinload(DocumentOwner.assigned_by))).scalars()
    return {r.doc_id: r for r in rows}


def supersede(session: Session, doc_id: str, now: dt.datetime) -> bool:
    result = session.execute(update(DocumentOwner).where(DocumentOwner.current_key == doc_id)
                             .values(current_key=None, superseded_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def add_owner(session: Session, *, doc_id: str, owner_id: int, assigned_by_id: int, reason: str,
              now: dt.datetime) -> DocumentOwner:
    row = DocumentOwner(doc_id=doc_id, owner_id=owner_id, assigned_by_id=assigned_by_id, reason=reason,
                        current_key=doc_id, assigned_at=now)
    session.add(row)
    session.flush()
    return row


def history(session: Session, doc_id: str) -> list[DocumentOwner]:
    return list(session.execute(select(DocumentOwner).where(DocumentOwner.doc_id == doc_id)
                                .options(selectinload(DocumentOwner.owner)).order_by(DocumentOwner.id)).scalars())
