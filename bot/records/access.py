"""Who may see whom on the dashboard.

- ``admin`` and ``lead`` (training / QA leads): everyone at their own site, or everyone at every site
  when the configured lead scope is ``all`` (``TECHSERV_DASHBOARD_LEAD_SCOPE``);
- a mentor (anyone with the mentor, expert or admin role): their trainees — people assigned to them
  (``mentors:`` in the people YAML, migration 0008) and people whose sign-off request is waiting on
  them (requested, or returned for more evidence);
- everyone: themselves.
A person with several roles gets the union. Roles are read from the database on every request, so
a change of role or a deactivation takes effect at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.db import people as people_db
from bot.db.models import Person

LEAD_SCOPES = ("site", "all")
OVERSIGHT_ROLES = {"admin", "lead"}


@dataclass(frozen=True)
class Scope:
    person_id: int
    roles: frozenset[str]
    everyone: bool = False
    sites: frozenset[str] = field(default_factory=frozenset)
    ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def query(self) -> dict:
        """Keyword arguments for the scope-aware queries in ``bot.db.people``."""
        return {"everyone": self.everyone, "sites": self.sites, "ids": self.ids}

    @property
    def oversees(self) -> bool:
        """Admins and leads: the audit trail, the knowledge page and its actions."""
        return bool(self.roles & OVERSIGHT_ROLES)

    @property
    def sees_knowledge(self) -> bool:
        return self.oversees or "expert" in self.roles

    def allows(self, person: Person) -> bool:
        return self.everyone or person.id in self.ids or (bool(person.site) and person.site in self.sites)


def scope_for(session: Session, viewer: Person, lead_scope: str = "site") -> Scope:
    if lead_scope not in LEAD_SCOPES:
        raise ValueError(f"lead scope {lead_scope!r}: use one of {', '.join(LEAD_SCOPES)}")
    roles = frozenset(viewer.role_set)
    everyone, sites, ids = False, set(), {viewer.id}
    if roles & OVERSIGHT_ROLES:
        if lead_scope == "all":
            everyone = True
        elif viewer.site:
            sites.add(viewer.site)
    if roles & {"mentor", "expert", "admin"}:
        ids |= people_db.trainee_ids_of(session, viewer.id)
    return Scope(viewer.id, roles, everyone, frozenset(sites), frozenset(ids))
