"""Queries about people, their platform identities, mentor assignments and who a dashboard viewer may see."""
from __future__ import annotations

import datetime as dt
from typing import Collection

from sqlalchemy import false, func, or_, select, true, union, update
from sqlalchemy.orm import Session

from .models import Identity, MentorAssignment, Person, SignoffRequest


def get_person(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def person_by_email(session: Session, email: str) -> Person | None:
    return session.execute(select(Person).where(Person.email == email.strip().lower())).scalar_one_or_none()


def person_by_identity(session: Session, platform: str, tenant: str, user_key: str) -> Person | None:
    return session.execute(select(Person).join(Identity).where(
        Identity.platform == platform, Identity.tenant == tenant, Identity.user_key == user_key)).scalar_one_or_none()


def add_person(session: Session, *, name: str, email: str, band: str, band_level: int, roles: list[str],
               now: dt.datetime, job_title: str = "", site: str = "", pathway: str | None = None,
               pathway_role: str | None = None) -> Person:
    person = Person(name=name, email=email.strip().lower(), band=band, band_level=band_level,
                    roles=",".join(sorted(set(roles))), job_title=job_title, site=site, pathway=pathway,
                    pathway_role=pathway_role, active=True, created_at=now)
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person: Person, **values) -> dict:
    """Set the given attributes; returns {field: (old, new)} for what changed."""
    changed = {}
    for key, value in values.items():
        old = getattr(person, key)
        if old != value:
            changed[key] = (old, value)
            setattr(person, key, value)
    session.flush()
    return changed


def add_identity(session: Session, person: Person, platform: str, tenant: str, user_key: str,
                 now: dt.datetime) -> Identity:
    ident = Identity(person_id=person.id, platform=platform, tenant=tenant, user_key=user_key, created_at=now)
    session.add(ident)
    session.flush()
    return ident


def list_people(session: Session, role: str | None = None) -> list[Person]:
    people = session.execute(select(Person).where(Person.active.is_(True)).order_by(Person.name)).scalars().all()
    return [p for p in people if role is None or role in p.role_set]


def count_people(session: Session) -> int:
    return session.execute(select(func.count(Person.id))).scalar_one()


# -- scope: which people a dashboard viewer may see ----------------------------------------------------
def _in_scope(everyone: bool, sites: Collection[str], ids: Collection[int]):
    """The WHERE clause for "people this viewer may see": everyone, or at one of ``sites``, or one of ``ids``."""
    if everyone:
        return true()
    clauses = []
    if sites:
        clauses.append(Person.site.in_(sorted(sites)))
    if ids:
        clauses.append(Person.id.in_(sorted(ids)))
    return or_(*clauses) if clauses else false()


def people_in_scope(session: Session, *, everyone: bool = False, sites: Collection[str] = (),
                    ids: Collection[int] = (), site: str | None = None, band: str | None = None,
                    pathway: str | None = None, only: Collection[int] | None = None,
                    on_matrix: bool = False) -> list[Person]:
    """Active people in the scope, narrowed by the filters; ``on_matrix`` keeps trainees and people on a
    pathway (the rows of the cohort matrix); ``only`` restricts to those ids (e.g. one mentor's trainees)."""
    query = select(Person).where(Person.active.is_(True), _in_scope(everyone, sites, ids))
    if site:
        query = query.where(Person.site == site)
    if band:
        query = query.where(Person.band == band)
    if pathway:
        query = query.where(Person.pathway == pathway)
    if only is not None:
        query = query.where(Person.id.in_(sorted(only)) if only else false())
    if on_matrix:
        query = query.where(or_(Person.pathway.is_not(None), Person.roles.like("%trainee%")))
    return list(session.execute(query.order_by(Person.name, Person.id)).scalars())


def person_ids_in_scope(session: Session, *, everyone: bool = False, sites: Collection[str] = (),
                        ids: Collection[int] = ()) -> list[int]:
    return list(session.execute(select(Person.id).where(_in_scope(everyone, sites, ids))).scalars())


def filter_values(session: Session, *, everyone: bool = False, sites: Collection[str] = (),
                  ids: Collection[int] = ()) -> dict[str, list[str]]:
    """The distinct sites, bands and pathways among the people in scope (the filter choices)."""
    rows = session.execute(select(Person.site, Person.band, Person.pathway)
                           .where(Person.active.is_(True), _in_scope(everyone, sites, ids))).all()
    return {"site": sorted({r[0] for r in rows if r[0]}), "band": sorted({r[1] for r in rows if r[1]},
                                                                        key=lambda b: (len(b), b)),
            "pathway": sorted({r[2] for r in rows if r[2]})}


# -- mentor assignments ----------------------------------------------------------------------------------
def active_mentor_ids(session: Session, trainee_id: int) -> list[int]:
    return list(session.execute(select(MentorAssignment.mentor_id).where(
        MentorAssignment.trainee_id == trainee_id, MentorAssignment.ended_at.is_(None))
        .order_by(MentorAssignment.mentor_id)).scalars())


def start_assignment(session: Session, mentor_id: int, trainee_id: int, now: dt.datetime) -> MentorAssignment:
    row = MentorAssignment(mentor_id=mentor_id, trainee_id=trainee_id, active_key=f"{mentor_id}:{trainee_id}",
                           started_at=now)
    session.add(row)
    session.flush()
    return row


def end_assignment(session: Session, mentor_id: int, trainee_id: int, now: dt.datetime) -> bool:
    result = session.execute(update(MentorAssignment).where(
        MentorAssignment.active_key == f"{mentor_id}:{trainee_id}").values(ended_at=now, active_key=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def trainee_ids_of(session: Session, mentor_id: int) -> set[int]:
    """A mentor's trainees: people assigned to them (running assignments) and people whose sign-off
    request is waiting on them (requested or returned for more evidence)."""
    assigned = session.execute(select(MentorAssignment.trainee_id).where(
        MentorAssignment.mentor_id == mentor_id, MentorAssignment.ended_at.is_(None))).scalars()
    asking = session.execute(select(SignoffRequest.trainee_id).where(
        SignoffRequest.mentor_id == mentor_id, SignoffRequest.status.in_(("requested", "changes_requested")))).scalars()
    return set(assigned) | set(asking)


def mentors_with_trainees(session: Session, person_ids: Collection[int] | None = None) -> list[Person]:
    """Mentors with at least one trainee (by the rule above), optionally among ``person_ids`` trainees."""
    a = select(MentorAssignment.mentor_id.label("mid"), MentorAssignment.trainee_id.label("tid")).where(
        MentorAssignment.ended_at.is_(None))
    r = select(SignoffRequest.mentor_id.label("mid"), SignoffRequest.trainee_id.label("tid")).where(
        SignoffRequest.status.in_(("requested", "changes_requested")), SignoffRequest.mentor_id.is_not(None))
    links = union(a, r).subquery()
    query = select(links.c.mid)
    if person_ids is not None:
        query = query.where(links.c.tid.in_(sorted(person_ids)))
    mids = set(session.execute(query).scalars())
    if not mids:
        return []
    return list(session.execute(select(Person).where(Person.id.in_(sorted(mids))).order_by(Person.name)).scalars())


def count_people_outside_directory(session: Session) -> int:
    """People other than those the expert directory created (for "is this a fresh database?")."""
    from .models import ExpertProfile

    return session.execute(select(func.count(Person.id)).where(
        Person.id.not_in(select(ExpertProfile.person_id)))).scalar_one()
