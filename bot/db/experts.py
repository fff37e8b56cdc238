"""Queries about experts, escalations, verified answers, the question log and feedback."""
from __future__ import annotations

import datetime as dt
from typing import Collection

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from .models import Escalation, ExpertProfile, Feedback, Person, QuestionLog, VerifiedAnswer

OPEN_ESCALATION = ("open", "claimed")


def profiles(session: Session) -> list[ExpertProfile]:
    return list(session.execute(select(ExpertProfile).options(selectinload(ExpertProfile.person))
                                .order_by(ExpertProfile.external_id)).scalars())


def profile_for(session: Session, person_id: int) -> ExpertProfile | None:
    return session.get(ExpertProfile, person_id)


def profile_by_external_id(session: Session, external_id: str) -> ExpertProfile | None:
    return session.execute(select(ExpertProfile).where(ExpertProfile.external_id == external_id)).scalar_one_or_none()


def upsert_profile(session: Session, person: Person, **values) -> tuple[ExpertProfile, dict]:
    prof = session.get(ExpertProfile, person.id)
    if prof is None:
        prof = ExpertProfile(person_id=person.id, **values)
        session.add(prof)
        session.flush()
        return prof, {k: (None, v) for k, v in values.items()}
    changed = {}
    for k, v in values.items():
        if getattr(prof, k) != v:
            changed[k] = (getattr(prof, k), v)
            setattr(prof, k, v)
    session.flush()
    return prof, changed


def open_load(session: Session) -> dict[int, int]:
    """Open (unclaimed or claimed, not yet answered) escalations per expert."""
    rows = session.execute(select(Escalation.expert_id, func.count()).where(Escalation.status.in_(OPEN_ESCALATION))
                           .group_by(Escalation.expert_id)).all()
    return {pid: n for pid, n in rows if pid is not None}


def create_escalation(session: Session, **values) -> Escalation:
    esc = Escalation(row_version=1, **values)
    session.add(esc)
    session.flush()
    return esc


def get_escalation(session: Session, escalation_id: int) -> Escalation | None:
    return session.get(Escalation, escalation_id)


def transition_escalation(session: Session, escalation_id: int, from_statuses: tuple[str, ...], to_status: str,
                          **values) -> bool:
    """Conditional update: only one of two concurrent steps on the same escalation succeeds."""
    result = session.execute(update(Escalation).where(Escalation.id == escalation_id,
                                                      Escalation.status.in_(from_statuses))
                             .values(status=to_status, row_version=Escalation.row_version + 1, **values)
                             .execution_options(synchronize_session=False))
    session.expire_all()
    return result.rowcount == 1


def reassign_escalation(session: Session, escalation_id: int, row_version: int, **values) -> bool:
    result = session.execute(update(Escalation).where(Escalation.id == escalation_id, Escalation.status == "open",
                                                      Escalation.row_version == row_version)
                             .values(row_version=Escalation.row_version + 1, **values)
                             .execution_options(synchronize_session=False))
    session.expire_all()
    return result.rowcount == 1


def overdue_unclaimed(session: Session, now: dt.datetime) -> list[Escalation]:
    return list(session.execute(select(Escalation).where(Escalation.status == "open", Escalation.deadline_at < now)
                                .order_by(Escalation.id)).scalars())


def escalations_for_asker(session: Session, person_id: int) -> list[Escalation]:
    return list(session.execute(select(Escalation).where(Escalation.asker_id == person_id)
                                .order_by(Escalation.id.desc())).scalars())


def escalations_for_expert(session: Session, person_id: int) -> list[Escalation]:
    return list(session.execute(select(Escalation).where(Escalation.expert_id == person_id,
                                                         Escalation.status.in_(OPEN_ESCALATION))
                                .order_by(Escalation.id)).scalars())


def escalations_since(session: Session, since: dt.datetime) -> list[Escalation]:
    return list(session.execute(select(Escalation).where(Escalation.created_at >= since)).scalars())


def add_verified(session: Session, **values) -> VerifiedAnswer:
    va = VerifiedAnswer(**values)
    session.add(va)
    session.flush()
    return va


def verified_for_escalation(session: Session, escalation_id: int) -> VerifiedAnswer | None:
    return session.execute(select(VerifiedAnswer).where(VerifiedAnswer.escalation_id == escalation_id)).scalar_one_or_none()


def get_verified(session: Session, verified_id: int) -> VerifiedAnswer | None:
    return session.get(VerifiedAnswer, verified_id)


def set_verified(session: Session, verified_id: int, from_status: str, **values) -> bool:
    result = session.execute(update(VerifiedAnswer).where(VerifiedAnswer.id == verified_id,
                                                          VerifiedAnswer.status == from_status)
                             .values(**values).execution_options(synchronize_session=False))
    session.expire_all()
    return result.rowcount == 1


def published_verified(session: Session) -> list[VerifiedAnswer]:
    return list(session.execute(select(VerifiedAnswer).where(VerifiedAnswer.status == "published")
                                .options(selectinload(VerifiedAnswer.expert)).order_by(VerifiedAnswer.id)).scalars())


def log_question(session: Session, **values) -> QuestionLog:
    row = QuestionLog(**values)
    session.add(row)
    session.flush()
    return row


def get_logged(session: Session, log_id: int) -> QuestionLog | None:
    return session.get(QuestionLog, log_id)


def last_logged_for(session: Session, person_id: int) -> QuestionLog | None:
    return session.execute(select(QuestionLog).where(QuestionLog.person_id == person_id)
                           .order_by(QuestionLog.id.desc()).limit(1)).scalar_one_or_none()


def questions_since(session: Session, since: dt.datetime) -> list[QuestionLog]:
    return list(session.execute(select(QuestionLog).where(QuestionLog.created_at >= since)
                                .order_by(QuestionLog.id)).scalars())


def add_feedback(session: Session, **values) -> Feedback:
    fb = Feedback(**values)
    session.add(fb)
    session.flush()
    return fb


def feedback_for(session: Session, log_id: int, person_id: int | None) -> Feedback | None:
    return session.execute(select(Feedback).where(Feedback.question_log_id == log_id,
                                                  Feedback.person_id == person_id)).scalar_one_or_none()


def unhelpful_since(session: Session, since: dt.datetime) -> list[tuple[Feedback, QuestionLog]]:
    return list(session.execute(select(Feedback, QuestionLog).join(QuestionLog, Feedback.question_log_id == QuestionLog.id)
                                .where(Feedback.rating == "not_helpful", Feedback.created_at >= since)).all())


def past_deadline(session: Session, now: dt.datetime, asker_ids: Collection[int] | None = None) -> list[Escalation]:
    """Open or claimed escalations whose deadline has passed (most overdue first)."""
    query = select(Escalation).where(Escalation.status.in_(OPEN_ESCALATION), Escalation.deadline_at < now)
    if asker_ids is not None:
        query = query.where(Escalation.asker_id.in_(sorted(asker_ids)))
    return list(session.execute(query.options(selectinload(Escalation.asker), selectinload(Escalation.expert))
                                .order_by(Escalation.deadline_at)).scalars())
