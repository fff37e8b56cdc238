"""People and their platform identities: import from YAML, look up the acting person."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.db import audit as audit_db
from bot.db import people as people_db
from bot.db.models import Person

# lead: a training or QA lead — sees everyone in their scope on the dashboard, with no extra powers in chat
ROLES = {"trainee", "mentor", "expert", "admin", "lead"}
MENTOR_ROLES = {"mentor", "expert", "admin"}


class PeopleError(Exception):
    pass


def band_level(band: str | int) -> int:
    m = re.match(r"\s*(\d+)", str(band))
    if not m:
        raise PeopleError(f"band {band!r} is not an NHS band such as 5 or 8a")
    return int(m.group(1))


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    identities: int = 0
    assignments: int = 0  # mentor assignments started or ended


def _identities(row: dict) -> list[tuple[str, str, str]]:
    out = []
    slack, teams = row.get("slack") or {}, row.get("teams") or {}
    if slack.get("team_id") and slack.get("user_id"):
        out.append(("slack", str(slack["team_id"]), str(slack["user_id"])))
    if teams.get("tenant_id") and teams.get("aad_object_id"):
        out.append(("teams", str(teams["tenant_id"]), str(teams["aad_object_id"])))
    return out


def import_people(sessions: sessionmaker[Session], path: Path, actor_email: str | None = None,
                  clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> ImportReport:
    """Add or update people from a YAML list (``people:`` or ``experts:``); every change is audited."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rows = data.get("people") or data.get("experts") or (data if isinstance(data, list) else [])
    report = ImportReport()
    now = clock()
    with sessions.begin() as session:
        actor = people_db.person_by_email(session, actor_email) if actor_email else None
        mentors: dict[str, list[str]] = {}  # trainee email → mentor emails, applied once everyone exists
        for n, row in enumerate(rows, 1):
            email = str(row.get("email") or "").strip().lower()
            if not email or "@" not in email or not row.get("name"):
                raise PeopleError(f"{path}: entry {n} needs a name and an email")
            roles = row.get("roles") or (["expert", "mentor"] if "experts" in data else ["trainee"])
            unknown = set(roles) - ROLES
            if unknown:
                raise PeopleError(f"{path}: entry {n} ({email}) has unknown roles {sorted(unknown)}; use {sorted(ROLES)}")
            values = {"name": str(row["name"]), "job_title": str(row.get("job_title") or ""),
                      "band": str(row.get("band", "")), "band_level": band_level(row.get("band", "")),
                      "site": str(row.get("site") or ""), "roles": ",".join(sorted(set(roles))),
                      "pathway": row.get("pathway"), "pathway_role": row.get("pathway_role")}
            person = people_db.person_by_email(session, email)
            if person is None:
                person = people_db.add_person(session, email=email, now=now, roles=sorted(set(roles)),
                                              **{k: v for k, v in values.items() if k != "roles"})
                audit_db.append_event(session, actor=actor, action="person.added", entity="person",
                                      entity_id=str(person.id), now=now, reason=f"imported from {Path(path).name}",
                                      new={"email": email, **values})
                report.added += 1
            else:
                changed = people_db.update_person(session, person, **values)
                if changed:
                    audit_db.append_event(session, actor=actor, action="person.updated", entity="person",
                                          entity_id=str(person.id), now=now, reason=f"imported from {Path(path).name}",
                                          old={k: v[0] for k, v in changed.items()},
                                          new={k: v[1] for k, v in changed.items()})
                    report.updated += 1
                else:
                    report.unchanged += 1
            for platform, tenant, user_key in _identities(row):
                report.identities += link_identity(session, person, platform, tenant, user_key, now, actor)
            if "mentors" in row or "mentor" in row:
                named = row.get("mentors") if "mentors" in row else row.get("mentor")
                named = [named] if isinstance(named, str) else list(named or [])
                mentors[email] = [str(m).strip().lower() for m in named]
        for email, named in mentors.items():
            trainee = people_db.person_by_email(session, email)
            report.assignments += set_mentors(session, trainee, named, now, actor, f"imported from {Path(path).name}")
    return report


def set_mentors(session: Session, trainee: Person, mentor_emails: list[str], now: dt.datetime,
                actor: Person | None, reason: str) -> int:
    """Make ``mentor_emails`` the trainee's assigned mentors: start the missing assignments and end the
    others, each audited (``mentor.assigned`` / ``mentor.unassigned``). Returns how many changed."""
    wanted = {}
    for m in mentor_emails:
        mentor = people_db.person_by_email(session, m)
        if mentor is None or not mentor.active:
            raise PeopleError(f"{trainee.email} names mentor {m}, who is not registered: add them to the file "
                              "or import them first")
        if not mentor.role_set & MENTOR_ROLES:
            raise PeopleError(f"{trainee.email} names {m} as mentor, but {m} has no mentor role")
        if mentor.id == trainee.id:
            raise PeopleError(f"{trainee.email} cannot be their own mentor")
        wanted[mentor.id] = mentor
    current = set(people_db.active_mentor_ids(session, trainee.id))
    changed = 0
    for mentor_id in sorted(set(wanted) - current):
        people_db.start_assignment(session, mentor_id, trainee.id, now)
        audit_db.append_event(session, actor=actor, action="mentor.assigned", entity="person",
                              entity_id=str(trainee.id), now=now, reason=reason,
                              new={"mentor_id": mentor_id, "mentor": wanted[mentor_id].email})
        changed += 1
    for mentor_id in sorted(current - set(wanted)):
        if people_db.end_assignment(session, mentor_id, trainee.id, now):
            audit_db.append_event(session, actor=actor, action="mentor.unassigned", entity="person",
                                  entity_id=str(trainee.id), now=now, reason=reason, old={"mentor_id": mentor_id})
            changed += 1
    return changed


def link_identity(session: Session, person: Person, platform: str, tenant: str, user_key: str,
                  now: dt.datetime, actor: Person | None = None) -> int:
    """Record that a platform account belongs to ``person``; returns 1 when newly linked."""
    owner = people_db.person_by_identity(session, platform, tenant, user_key)
    if owner is not None:
        if owner.id != person.id:
            raise PeopleError(f"{platform} account {tenant}/{user_key} already belongs to {owner.email}")
        return 0
    people_db.add_identity(session, person, platform, tenant, user_key, now)
    audit_db.append_event(session, actor=actor, action="identity.linked", entity="person", entity_id=str(person.id),
                          now=now, reason=f"{platform} account linked",
                          new={"platform": platform, "tenant": tenant, "user_key": user_key})
    return 1
