"""Training records wiring: database, framework and services, plus who is acting."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .db import make_engine, session_factory, upgrade
from .db import people as people_db
from .db.models import Person
from .framework import Framework
from .messages import Incoming
from .passport import Passport, build_passport
from .signoffs import SignoffService, utcnow


class Records:
    def __init__(self, sessions: sessionmaker[Session], framework: Framework,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.sessions = sessions
        self.framework = framework
        self.clock = clock
        self.signoffs = SignoffService(sessions, framework, clock)

    @classmethod
    def open(cls, settings: Settings, migrate: bool = True) -> "Records":
        if settings.database_url.startswith("sqlite:///"):
            settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        return cls(session_factory(engine), Framework.load(settings.knowledge_dir))

    def person_for(self, msg: Incoming) -> Person | None:
        """The registered person behind a message: by platform identity, or by email in the terminal."""
        with self.sessions() as session:
            if msg.platform == "console":
                return people_db.person_by_email(session, msg.user_id)
            tenant, _, user = msg.user_id.partition(":")
            return people_db.person_by_identity(session, msg.platform, tenant, user)

    def person_by_email(self, email: str) -> Person | None:
        with self.sessions() as session:
            return people_db.person_by_email(session, email)

    def describe(self, person_id: int) -> str:
        with self.sessions() as session:
            p = people_db.get_person(session, person_id)
            return f"{p.name} <{p.email}>" if p else f"person {person_id}"

    def passport(self, person_id: int) -> Passport:
        with self.sessions() as session:
            person = people_db.get_person(session, person_id)
            return build_passport(session, self.framework, person, self.clock())
