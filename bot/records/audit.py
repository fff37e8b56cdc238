"""The audit trail service: verify the hash chain and name the first broken event."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db.audit import GENESIS, iter_events, stored_hash


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    prev, n = GENESIS, 0
    for ev in iter_events(session):
        n += 1
        if ev.prev_hash != prev:
            return ChainReport(False, n, ev.id, f"event {ev.id} does not follow event before it "
                                                f"(an event was removed, inserted or reordered)")
        if stored_hash(ev) != ev.hash:
            return ChainReport(False, n, ev.id, f"event {ev.id} ({ev.action} {ev.entity} {ev.entity_id} at "
                                                f"{ev.occurred_at.isoformat()}) was altered after it was written")
        prev = ev.hash
    return ChainReport(True, n)
