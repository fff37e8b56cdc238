"""The jobs of the running service: nightly re-index with hot swap, replica pick-up, reminders,
expiry and escalation re-routing. Each returns a one-line report for the job ledger."""
from __future__ import annotations

import logging
from typing import Callable

from bot.answering.knowledge import KnowledgeBase
from bot.config import Settings
from bot.db import jobs as jobs_db
from bot.db import people as people_db
from bot.experts.verified import export_verified
from bot.messages import Notification
from bot.records.reminders import expiry_reminders, pending_reminders
from indexer.build import BuildConfig, build_index

from .scheduler import Job
from .wiring import Records

log = logging.getLogger(__name__)
Deliver = Callable[[list[Notification]], None]


class Service:
    def __init__(self, settings: Settings, kb: KnowledgeBase, records: Records, deliver: Deliver):
        self.settings = settings
        self.kb = kb
        self.records = records
        self.deliver = deliver

    def _admins(self, text: str, kind: str) -> list[Notification]:
        with self.records.sessions() as session:
            return [Notification(p.id, text, kind) for p in people_db.list_people(session, "admin")]

    def reindex(self) -> str:
        """Incremental build of knowledge/ and verified answers, then a hot swap. A failed build leaves
        the previous snapshot live and alerts the administrators."""
        s = self.settings
        engine = self.records.sessions.kw["bind"]
        try:
            with jobs_db.reindex_lock(engine, s.var_dir / "reindex.lock") as locked:
                export_verified(self.records.sessions, s.verified_dir)
                cfg = BuildConfig(sources=[s.knowledge_dir, s.verified_dir], index_root=s.index_dir,
                                  cache_dir=s.cache_dir, model=s.model, max_tokens=s.chunk_tokens,
                                  overlap_tokens=s.chunk_overlap, hnsw_threshold=s.hnsw_threshold,
                                  keep_snapshots=s.keep_snapshots)
                report = build_index(cfg, embedder=self.kb.embedder)
        except Exception as exc:
            live = self.kb.version or "none"
            self.deliver(self._admins(f"Nightly re-index FAILED ({exc.__class__.__name__}: {exc}). The previous "
                                      f"index {live} is still live.", "reindex_failed"))
            raise
        swapped = self.kb.reload()
        if report.version:
            with self.records.sessions.begin() as session:  # replicas swap to what the database names
                jobs_db.set_state(session, "index_version", report.version, self.records.clock())
        failed = "; ".join(f"{e['path']}: {e['reason']}" for e in report.errors)
        text = (f"Re-index {'published ' + report.version if report.published else 'found nothing new'} in "
                f"{report.seconds:.1f} s: {len(report.added)} added, {len(report.changed)} changed, "
                f"{len(report.removed)} removed, {len(report.errors)} failed" + (f" ({failed})" if failed else "")
                + ("; now serving it" if swapped else ""))
        if report.published or report.errors:
            self.deliver(self._admins(text, "reindex_report"))
        return text

    def pick_up(self) -> str:
        """Replicas: swap to the snapshot the database names (published by whichever replica re-indexed)."""
        with self.records.sessions() as session:
            version = jobs_db.get_state(session, "index_version")
        if version and not (self.settings.index_dir / version).exists():
            return f"{version} is not on this replica's storage yet"
        return f"swapped to {self.kb.live.version}" if self.kb.reload(version) else "up to date"

    def signoff_reminders(self) -> str:
        notes = pending_reminders(self.records.sessions, self.settings.reminder_after_days, self.records.clock())
        self.deliver(notes)
        return f"{len(notes)} mentor reminder(s)"

    def expiry(self) -> str:
        notes = self.records.signoffs.expire_due()
        notes += expiry_reminders(self.records.sessions, self.records.clock())
        self.deliver(notes)
        return f"{len(notes)} expiry notification(s)"

    def reroute(self) -> str:
        notes = self.records.experts.reroute_overdue()
        self.deliver(notes)
        return f"{len(notes) // 2} escalation(s) re-routed"

    def jobs(self) -> list[Job]:
        s = self.settings
        return [Job("reindex", s.reindex_cron, self.reindex), Job("pick_up", "* * * * *", self.pick_up, shared=False),
                Job("signoff_reminders", s.reminder_cron, self.signoff_reminders),
                Job("expiry", s.reminder_cron, self.expiry), Job("reroute", "*/15 * * * *", self.reroute)]
