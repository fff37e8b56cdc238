"""Queries about sign-off requests and signatures."""
from __future__ import annotations

import datetime as dt
import json
from typing import Collection

from sqlalchemy import String, select, type_coerce, update
from sqlalchemy.orm import Session, selectinload

from .models import Signature, SignoffRequest

OPEN = ("requested", "changes_requested")


def create_request(session: Session, *, trainee_id: int, mentor_id: int, competency_id: str, competency_title: str,
                   framework_version: str, evidence_text: str, evidence_links: list[str],
                   now: dt.datetime) -> SignoffRequest:
    """Insert an open request; the unique ``open_key`` raises IntegrityError if one is already open."""
    req = SignoffRequest(trainee_id=trainee_id, mentor_id=mentor_id, competency_id=competency_id,
                         competency_title=competency_title, framework_version=framework_version,
                         evidence_text=evidence_text, evidence_links=json.dumps(evidence_links),
                         status="requested", open_key=f"{trainee_id}:{competency_id}", created_at=now,
                         updated_at=now, row_version=1)
    session.add(req)
    session.flush()
    return req


def get_request(session: Session, request_id: int) -> SignoffRequest | None:
    return session.execute(select(SignoffRequest).where(SignoffRequest.id == request_id)
                           .options(selectinload(SignoffRequest.signatures))).scalar_one_or_none()


def open_request(session: Session, trainee_id: int, competency_id: str) -> SignoffRequest | None:
    return session.execute(select(SignoffRequest).where(
        SignoffRequest.open_key == f"{trainee_id}:{competency_id}")).scalar_one_or_none()


def transition(session: Session, request_id: int, from_statuses: tuple[str, ...], to_status: str,
               now: dt.datetime, **fields) -> bool:
    """Move a request to ``to_status`` only if it is still in one of ``from_statuses``.

    A single conditional UPDATE: of two concurrent deciders exactly one sees rowcount 1
    (PostgreSQL re-checks the WHERE clause after the first commits; SQLite writers are serialised).
    """
    values = {"status": to_status, "updated_at": now, "row_version": SignoffRequest.row_version + 1, **fields}
    if to_status not in OPEN:
        values["open_key"] = None
    result = session.execute(update(SignoffRequest)
                             .where(SignoffRequest.id == request_id, SignoffRequest.status.in_(from_statuses))
                             .values(**values).execution_options(synchronize_session=False))
    session.expire_all()
    return result.rowcount == 1


def add_signature(session: Session, **fields) -> Signature:
    sig = Signature(**fields)
    session.add(sig)
    session.flush()
    return sig


def signature_for_event(session: Session, platform: str, event_id: str) -> Signature | None:
    return session.execute(select(Signature).where(Signature.platform == platform,
                                                   Signature.platform_event_id == event_id)).scalar_one_or_none()


def pending_for_mentor(session: Session, mentor_id: int) -> list[SignoffRequest]:
    return list(session.execute(select(SignoffRequest).where(SignoffRequest.mentor_id == mentor_id,
                                                             SignoffRequest.status == "requested")
                                .order_by(SignoffRequest.created_at)).scalars())


def pending_created_before(session: Session, cutoff: dt.datetime) -> list[SignoffRequest]:
    return list(session.execute(select(SignoffRequest).where(SignoffRequest.status == "requested",
                                                             SignoffRequest.created_at < cutoff)
                                .order_by(SignoffRequest.created_at)).scalars())


def requests_for_trainee(session: Session, trainee_id: int) -> list[SignoffRequest]:
    return list(session.execute(select(SignoffRequest).where(SignoffRequest.trainee_id == trainee_id)
                                .options(selectinload(SignoffRequest.signatures).selectinload(Signature.signer),
                                         selectinload(SignoffRequest.mentor), selectinload(SignoffRequest.trainee))
                                .order_by(SignoffRequest.created_at, SignoffRequest.id)).scalars())


def approved_expiring_before(session: Session, cutoff: dt.datetime) -> list[SignoffRequest]:
    return list(session.execute(select(SignoffRequest).where(SignoffRequest.status == "approved",
                                                             SignoffRequest.expires_at.is_not(None),
                                                             SignoffRequest.expires_at < cutoff)
                                .order_by(SignoffRequest.expires_at)).scalars())


# -- dashboard reads ---------------------------------------------------------------------------------------
def matrix_cells(session: Session, trainee_ids: Collection[int]) -> list[tuple]:
    """(trainee_id, competency_id, status, expires_at, request_id) for the requests of these trainees that
    show in a passport (open, approved or expired), oldest (lowest id) first; plain rows, so a 500-person matrix stays fast."""
    if not trainee_ids:
        return []
    # expires_at is read raw and parsed with fromisoformat: the generic DateTime processing costs more
    # than the rest of the matrix on SQLite; PostgreSQL hands back aware datetimes either way
    rows = session.execute(select(SignoffRequest.trainee_id, SignoffRequest.competency_id, SignoffRequest.status,
                                  type_coerce(SignoffRequest.expires_at, String), SignoffRequest.id)
                           .where(SignoffRequest.trainee_id.in_(sorted(trainee_ids)),
                                  SignoffRequest.status.in_(OPEN + ("approved", "expired")))
                           .order_by(SignoffRequest.id)).all()  # ids follow creation; sorting by time costs 40 %
    parse, utc = dt.datetime.fromisoformat, dt.timezone.utc
    return [(t, c, s, (parse(e).replace(tzinfo=utc) if isinstance(e, str) else e.astimezone(utc)) if e else None, i)
            for t, c, s, e, i in rows]


def waiting_before(session: Session, cutoff: dt.datetime, trainee_ids: Collection[int] | None = None) -> list[SignoffRequest]:
    """Requests still waiting for the mentor's decision, made before ``cutoff`` (oldest first)."""
    query = select(SignoffRequest).where(SignoffRequest.status == "requested", SignoffRequest.created_at < cutoff)
    if trainee_ids is not None:
        query = query.where(SignoffRequest.trainee_id.in_(sorted(trainee_ids)))
    return list(session.execute(query.options(selectinload(SignoffRequest.trainee), selectinload(SignoffRequest.mentor))
                                .order_by(SignoffRequest.created_at)).scalars())


def approved_expiring_between(session: Session, start: dt.datetime, end: dt.datetime,
                              trainee_ids: Collection[int] | None = None) -> list[SignoffRequest]:
    query = select(SignoffRequest).where(SignoffRequest.status == "approved", SignoffRequest.expires_at.is_not(None),
                                         SignoffRequest.expires_at > start, SignoffRequest.expires_at <= end)
    if trainee_ids is not None:
        query = query.where(SignoffRequest.trainee_id.in_(sorted(trainee_ids)))
    return list(session.execute(query.options(selectinload(SignoffRequest.trainee), selectinload(SignoffRequest.signatures))
                                .order_by(SignoffRequest.expires_at)).scalars())
