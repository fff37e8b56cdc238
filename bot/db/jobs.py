"""Job-run ledger and the re-index lock."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import JobRun

REINDEX_LOCK_KEY = 742_002


def claim_slot(session: Session, job: str, slot: dt.datetime, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    """True when this process may run ``job`` for ``slot``: nobody claimed it, or an earlier attempt failed
    or was left 'running' for longer than ``stale_after`` (its process died)."""
    row = session.execute(select(JobRun).where(JobRun.job == job, JobRun.slot == slot)).scalar_one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                session.add(JobRun(job=job, slot=slot, status="running", started_at=now, detail=""))
                session.flush()
            return True
        except IntegrityError:
            return False
    if row.status == "failed" or (row.status == "running" and now - row.started_at > stale_after):
        result = session.execute(update(JobRun).where(JobRun.id == row.id, JobRun.status == row.status,
                                                      JobRun.started_at == row.started_at)
                                 .values(status="running", started_at=now, detail=f"retry after {row.status}"))
        return result.rowcount == 1
    return False


def finish_slot(session: Session, job: str, slot: dt.datetime, status: str, detail: str, now: dt.datetime) -> None:
    session.execute(update(JobRun).where(JobRun.job == job, JobRun.slot == slot)
                    .values(status=status, finished_at=now, detail=detail[:4000]))


def runs(session: Session, job: str) -> list[JobRun]:
    return list(session.execute(select(JobRun).where(JobRun.job == job).order_by(JobRun.slot)).scalars())


@contextlib.contextmanager
def reindex_lock(engine: Engine, lock_file: Path, wait: bool = True):
    """One re-indexer at a time: a PostgreSQL advisory lock shared by all replicas, or a file lock on
    SQLite. Yields False (without the lock) when ``wait`` is False and another holder has it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if wait:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": REINDEX_LOCK_KEY})
                got = True
            else:
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": REINDEX_LOCK_KEY}).scalar()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": REINDEX_LOCK_KEY})
                conn.commit()
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def set_state(session: Session, key: str, value: str, now: dt.datetime) -> None:
    from .models import ServiceState

    row = session.get(ServiceState, key)
    if row is None:
        session.add(ServiceState(key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
    session.flush()


def get_state(session: Session, key: str) -> str | None:
    from .models import ServiceState

    row = session.get(ServiceState, key)
    return row.value if row else None


def recent_runs(session: Session, job: str, limit: int = 10) -> list[JobRun]:
    """The newest runs of ``job`` first (the dashboard's re-index history)."""
    return list(session.execute(select(JobRun).where(JobRun.job == job).order_by(JobRun.slot.desc()).limit(limit)).scalars())
