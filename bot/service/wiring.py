"""Training records wiring: database, framework and services, plus who is acting."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db import make_engine, session_factory, upgrade
from bot.db import people as people_db
from bot.db.models import Person
from bot.experts.escalations import EscalationService, ExpertRouter, sync_experts
from bot.experts.feedback import FeedbackService
from bot.experts.owners import DocumentOwners
from bot.experts.verified import VerifiedAnswers
from bot.messages import Incoming
from bot.records.framework import Framework
from bot.records.passport import Passport, build_passport
from bot.records.signoffs import SignoffService, utcnow

from .places import SharedPlaces


class Records:
    """Everything the conversation needs beyond retrieval: sign-offs, experts, verified answers, feedback."""

    def __init__(self, sessions: sessionmaker[Session], framework: Framework,
                 clock: Callable[[], dt.datetime] = utcnow, embed: Callable | None = None,
                 deadline_hours: float = 24, require_second_expert: bool = False):
        self.sessions = sessions
        self.framework = framework
        self.clock = clock
        self._embed = embed
        self.signoffs = SignoffService(sessions, framework, clock)
        self.router = ExpertRouter(self.embed, framework.doc_owners, framework.doc_topics)
        self.experts = EscalationService(sessions, self.router, clock, deadline_hours)
        self.verified = VerifiedAnswers(sessions, clock, require_second_expert)
        self.feedback = FeedbackService(sessions, clock)
        self.owners = DocumentOwners(sessions, clock)
        self.places = SharedPlaces(sessions, clock)  # follow-ups and `section` across replicas

    def embed(self, texts: list[str]):
        if self._embed is None:
            from indexer.embedding import Embedder

            self._embed = Embedder().encode
        return self._embed(texts)

    @classmethod
    def open(cls, settings: Settings, migrate: bool = True, embed: Callable | None = None) -> "Records":
        """Connect (applying migrations) and sync the expert directory from knowledge/experts.yaml."""
        if settings.database_url.startswith("sqlite:///"):
            settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        if embed is None:
            from indexer.embedding import Embedder

            embed = Embedder(settings.model).encode
        records = cls(session_factory(engine), Framework.load(settings.knowledge_dir), embed=embed,
                      deadline_hours=settings.escalation_deadline_hours,
                      require_second_expert=settings.require_second_expert)
        experts_file = settings.knowledge_dir / "experts.yaml"
        if experts_file.exists():
            sync_experts(records.sessions, experts_file, records.clock)
        return records

    def person_for(self, msg: Incoming) -> Person | None:
        """The registered person behind a message: by platform identity, or by email in the terminal."""
        with self.sessions() as session:
            if msg.platform == "console":
                return people_db.person_by_email(session, msg.user_id)
            tenant, _, user = msg.user_id.partition(":")
            return people_db.person_by_identity(session, msg.platform, tenant, user)

    def first_delivery(self, platform: str, event_key: str) -> bool:
        """False when this platform delivery was already handled (a retry)."""
        from bot.db.events import first_delivery

        with self.sessions.begin() as session:
            return first_delivery(session, platform, event_key, self.clock())

    def save_reference(self, person_id: int, platform: str, reference: str) -> None:
        from bot.db.events import save_reference

        with self.sessions.begin() as session:
            save_reference(session, person_id, platform, reference, self.clock())

    def reference_of(self, person_id: int, platform: str) -> str | None:
        from bot.db.events import get_reference

        with self.sessions() as session:
            return get_reference(session, person_id, platform)

    def identity_of(self, person_id: int, platform: str) -> tuple[str, str] | None:
        """(tenant, user) of the person's account on ``platform``, for delivering notifications."""
        with self.sessions() as session:
            person = people_db.get_person(session, person_id)
            ident = next((i for i in person.identities if i.platform == platform), None) if person else None
            return (ident.tenant, ident.user_key) if ident else None

    def link_by_email(self, platform: str, tenant: str, user_key: str, email: str) -> Person | None:
        """First contact: map a platform account to the registered person with that email."""
        from bot.records.people import link_identity

        with self.sessions.begin() as session:
            person = people_db.person_by_email(session, email)
            if person is not None:
                link_identity(session, person, platform, tenant, user_key, self.clock())
            return person

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
