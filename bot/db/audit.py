"""Audit storage: append one hash-chained event; read the chain back in order."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Collection, Iterator

from sqlalchemy import String, cast, or_, select, text
from sqlalchemy.orm import Session

from .models import AuditEvent, Escalation, Person, SignoffRequest

GENESIS = "0" * 64
_CHAIN_LOCK = 742_001  # pg_advisory_xact_lock key for the audit chain


def canonical(values: dict[str, Any] | None) -> str:
    return json.dumps(values or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, occurred_at: dt.datetime, actor_id: int | None, actor: str, action: str,
               entity: str, entity_id: str, reason: str, old_values: str, new_values: str) -> str:
    body = canonical({
        "occurred_at": occurred_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": actor_id, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
        "reason": reason, "old": old_values, "new": new_values,
    })
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def stored_hash(ev: AuditEvent) -> str:
    """The hash an event *should* have, recomputed from its stored fields."""
    return event_hash(ev.prev_hash, ev.occurred_at, ev.actor_id, ev.actor, ev.action, ev.entity, ev.entity_id,
                      ev.reason, ev.old_values, ev.new_values)


def append_event(session: Session, *, actor: Person | None, action: str, entity: str, entity_id: str,
                 now: dt.datetime, reason: str = "", old: dict | None = None, new: dict | None = None) -> AuditEvent:
    """Add an event in the caller's transaction, chained to the newest event.

    PostgreSQL: an advisory transaction lock serialises appenders; SQLite: BEGIN IMMEDIATE does.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    prev = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar() or GENESIS
    actor_label = actor.email if actor is not None else "system"
    old_s, new_s = canonical(old), canonical(new)
    ev = AuditEvent(occurred_at=now, actor_id=actor.id if actor is not None else None, actor=actor_label,
                    action=action, entity=entity, entity_id=str(entity_id), reason=reason or "",
                    old_values=old_s, new_values=new_s, prev_hash=prev)
    ev.hash = event_hash(prev, now, ev.actor_id, actor_label, action, entity, str(entity_id), ev.reason, old_s, new_s)
    session.add(ev)
    session.flush()
    return ev


def iter_events(session: Session, batch: int = 1000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.execute(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def events_for(session: Session, entity: str, entity_id: str) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
                                .order_by(AuditEvent.id)).scalars())


def events_for_entities(session: Session, entity: str, entity_ids: list[str]) -> list[AuditEvent]:
    """Every event of these entities, oldest first (e.g. the history of a person's sign-off requests)."""
    if not entity_ids:
        return []
    return list(session.execute(select(AuditEvent).where(AuditEvent.entity == entity,
                                                         AuditEvent.entity_id.in_([str(i) for i in entity_ids]))
                                .order_by(AuditEvent.id)).scalars())

def _concerning(person_ids: Collection[int]):
    """Events about any of these people: done by them, about them, about their sign-off requests (as
    trainee or mentor) or their escalations (as asker or expert)."""
    ids = sorted(person_ids)
    as_text = [str(i) for i in ids]
    requests = select(cast(SignoffRequest.id, String)).where(or_(SignoffRequest.trainee_id.in_(ids),
                                                                 SignoffRequest.mentor_id.in_(ids)))
    escalations = select(cast(Escalation.id, String)).where(or_(Escalation.asker_id.in_(ids),
                                                                Escalation.expert_id.in_(ids)))
    return or_(AuditEvent.actor_id.in_(ids),
               AuditEvent.entity.in_(("person", "expert")) & AuditEvent.entity_id.in_(as_text),
               (AuditEvent.entity == "signoff_request") & AuditEvent.entity_id.in_(requests),
               (AuditEvent.entity == "escalation") & AuditEvent.entity_id.in_(escalations))


def filter_events(session: Session, *, person_id: int | None = None, within: Collection[int] | None = None,
                  entity: str | None = None, entity_id: str | None = None, since: dt.datetime | None = None,
                  until: dt.datetime | None = None, before_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """The newest events first, narrowed by person (see ``_concerning``), record, time range (UTC,
    ``until`` exclusive) and paging (``before_id``); ``within`` limits to events concerning those people."""
    query = select(AuditEvent)
    if person_id is not None:
        query = query.where(_concerning([person_id]))
    if within is not None:
        query = query.where(_concerning(within)) if within else query.where(AuditEvent.id < 0)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).scalars())
