"""Queries about people and their platform identities."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Identity, Person


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
