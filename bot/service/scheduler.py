"""A small scheduler for the running service: cron slots claimed in the database, so each slot runs
once across replicas, and after downtime only the latest missed slot of each job runs (once)."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy.orm import Session, sessionmaker

from bot.db import jobs as jobs_db

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    cron: str  # in the service's local time zone (Europe/London by default)
    run: Callable[[], str]  # returns a one-line report
    stale_after: dt.timedelta = dt.timedelta(hours=2)
    shared: bool = True  # claimed once across replicas; False = every replica runs it (e.g. index pick-up)


class Scheduler:
    def __init__(self, sessions: sessionmaker[Session], jobs: list[Job], tz: str = "Europe/London",
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)):
        self.sessions = sessions
        self.jobs = jobs
        self.tz = ZoneInfo(tz)
        self.clock = clock
        self._stop = threading.Event()
        self._local_done: dict[str, dt.datetime] = {}

    def latest_slot(self, job: Job, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(self.tz)
        return croniter(job.cron, local).get_prev(dt.datetime).astimezone(dt.timezone.utc)

    def tick(self) -> dict[str, str]:
        """Run every job whose latest slot nobody has run yet; returns {job: outcome} for what ran."""
        now = self.clock()
        ran = {}
        for job in self.jobs:
            slot = self.latest_slot(job, now)
            if not job.shared:
                if self._local_done.get(job.name) != slot:
                    self._local_done[job.name] = slot
                    try:
                        ran[job.name] = job.run() or "done"
                    except Exception:  # noqa: BLE001 — a local job retries at its next slot
                        log.exception("job %s failed", job.name)
                        ran[job.name] = "failed"
                continue
            try:
                with self.sessions.begin() as session:
                    if not jobs_db.claim_slot(session, job.name, slot, now, job.stale_after):
                        continue
            except Exception:  # database down: nothing was claimed, the next tick tries again
                log.exception("could not claim %s for %s; will retry", job.name, slot)
                ran[job.name] = "deferred"
                continue
            status, detail = "done", ""
            try:
                detail = job.run() or ""
            except Exception as exc:  # the job failed: record it so the next tick retries the slot
                log.exception("job %s failed", job.name)
                status, detail = "failed", f"{exc.__class__.__name__}: {exc}"
            try:
                with self.sessions.begin() as session:
                    jobs_db.finish_slot(session, job.name, slot, status, detail, self.clock())
            except Exception:
                log.exception("could not record the end of %s", job.name)
            ran[job.name] = status
            log.info("job %s (%s): %s %s", job.name, slot.isoformat(), status, detail)
        return ran

    def run_forever(self, every_seconds: float = 30) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(every_seconds)

    def stop(self) -> None:
        self._stop.set()
