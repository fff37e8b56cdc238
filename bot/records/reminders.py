"""Reminder jobs as plain functions returning neutral notifications (the scheduler calls them)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from bot.db import signoffs as so_db
from bot.messages import Action, Notification

from .passport import EXPIRING_DAYS


def pending_reminders(sessions: sessionmaker[Session], older_than_days: int, now: dt.datetime) -> list[Notification]:
    """One notification per mentor listing their requests waiting longer than ``older_than_days``."""
    by_mentor: dict[int, list] = {}
    with sessions() as session:
        for req in so_db.pending_created_before(session, now - dt.timedelta(days=older_than_days)):
            if req.mentor_id is not None:
                by_mentor.setdefault(req.mentor_id, []).append(req)
        notes = []
        for mentor_id, reqs in by_mentor.items():
            lines = [f"  SO-{r.id} {r.competency_id} for {r.trainee.name}, waiting {(now - r.created_at).days} days"
                     for r in reqs]
            notes.append(Notification(mentor_id, f"{len(reqs)} sign-off request(s) are waiting for you:\n" + "\n".join(lines),
                                      "reminder_pending", None,
                                      tuple(Action("signoff_open", f"Open SO-{r.id}", str(r.id)) for r in reqs)))
    return notes


def expiry_reminders(sessions: sessionmaker[Session], now: dt.datetime, within_days: int = EXPIRING_DAYS) -> list[Notification]:
    """Competencies expiring within ``within_days``: to the trainee and to the assessor who signed."""
    notes = []
    with sessions() as session:
        for req in so_db.approved_expiring_before(session, now + dt.timedelta(days=within_days)):
            if req.expires_at <= now:
                continue  # already expired: expire_due() reports those
            when = req.expires_at.astimezone(dt.timezone.utc).strftime("%d %b %Y %H:%M UTC")
            notes.append(Notification(req.trainee_id, f"{req.competency_id} {req.competency_title} expires on {when}: "
                                      "arrange revalidation with your mentor.", "reminder_expiring", req.id))
            signer = next((s for s in reversed(req.signatures) if s.decision == "approved"), None)
            if signer is not None:
                notes.append(Notification(signer.signer_id, f"{req.trainee.name}'s {req.competency_id} "
                                          f"{req.competency_title} expires on {when}.", "reminder_expiring", req.id))
    return notes
