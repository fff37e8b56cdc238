"""What the dashboard shows beyond one passport: the queues, the knowledge overview and the filtered
audit trail, each limited to a viewer's scope. Reads only: nothing here changes a record, so nothing
here is audited."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db import audit as audit_db
from bot.db import documents as docs_db
from bot.db import experts as ex_db
from bot.db import jobs as jobs_db
from bot.db import people as people_db
from bot.db import signoffs as so_db
from bot.db.models import AuditEvent, DocumentOwner, Escalation, JobRun, SignoffRequest
from bot.records.access import Scope

EXPIRY_WINDOWS = (30, 60, 90)


def scope_ids(session: Session, scope: Scope) -> list[int] | None:
    """The ids of the people in scope, or None for everyone (no restriction)."""
    return None if scope.everyone else people_db.person_ids_in_scope(session, **scope.query)


@dataclass
class Queues:
    waiting_days: int
    within_days: int
    waiting: list[SignoffRequest]
    overdue: list[Escalation]
    expiring: list[SignoffRequest]


def queues(session: Session, scope: Scope, now: dt.datetime, waiting_days: int = 3, within_days: int = 30) -> Queues:
    ids = scope_ids(session, scope)
    return Queues(waiting_days, within_days,
                  so_db.waiting_before(session, now - dt.timedelta(days=waiting_days), ids),
                  ex_db.past_deadline(session, now, ids),
                  so_db.approved_expiring_between(session, now, now + dt.timedelta(days=within_days), ids))


@dataclass
class KnowledgeOverview:
    manifest: dict | None
    documents: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    runs: list[JobRun] = field(default_factory=list)
    owners: dict[str, DocumentOwner] = field(default_factory=dict)

    @property
    def titles(self) -> dict[str, str]:
        return {d["doc_id"]: d["title"] for d in self.documents}


def knowledge_overview(session: Session, manifest: dict | None, today: dt.date, runs: int = 10) -> KnowledgeOverview:
    """The live index (from its manifest), documents past review, the last re-index runs and document owners."""
    docs = list((manifest or {}).get("documents", []))
    overdue = [d for d in docs if d.get("review_due") and str(d["review_due"]) < today.isoformat()]
    return KnowledgeOverview(manifest, sorted(docs, key=lambda d: d["doc_id"]), list((manifest or {}).get("errors", [])),
                             overdue, jobs_db.recent_runs(session, "reindex", runs), docs_db.current_owners(session))


RECORD = re.compile(r"^\s*(?:(SO|E|VA|P)-?(\d+)|(signoff_request|escalation|verified_answer|person|expert|document)"
                    r"[\s:#]+(\S+))\s*$", re.I)
PREFIXES = {"SO": "signoff_request", "E": "escalation", "VA": "verified_answer", "P": "person"}


def parse_record(text: str) -> tuple[str, str] | None:
    """'SO-12' → ('signoff_request', '12'); 'E-3', 'VA-2', 'P-5' likewise; 'document gd-gowning' as written."""
    m = RECORD.match(text or "")
    if not m:
        return None
    if m.group(1):
        return PREFIXES[m.group(1).upper()], m.group(2)
    return m.group(3).lower(), m.group(4)


def local_day_bounds(day: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """A calendar day in the site's time zone as a UTC [start, end) range (BST/GMT handled)."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def audit_events(session: Session, scope: Scope, tz: str, *, person_id: int | None = None,
                 record: tuple[str, str] | None = None, date_from: dt.date | None = None,
                 date_to: dt.date | None = None, before_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """Newest first; dates are whole local days (inclusive). Leads with a site scope see the events that
    concern people in their scope."""
    since = local_day_bounds(date_from, tz)[0] if date_from else None
    until = local_day_bounds(date_to, tz)[1] if date_to else None
    entity, entity_id = record if record else (None, None)
    return audit_db.filter_events(session, person_id=person_id, within=scope_ids(session, scope), entity=entity,
                                  entity_id=entity_id, since=since, until=until, before_id=before_id, limit=limit)
