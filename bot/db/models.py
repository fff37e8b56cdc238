"""SQLAlchemy 2.0 models for people, identities, sign-offs, signatures and the audit trail."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import UTCDateTime


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    job_title: Mapped[str] = mapped_column(String(200), default="")
    band: Mapped[str] = mapped_column(String(8))  # "5", "8a"
    band_level: Mapped[int] = mapped_column(Integer)  # 5, 8: for "minimum band" rules
    site: Mapped[str] = mapped_column(String(200), default="")
    roles: Mapped[str] = mapped_column(String(200), default="trainee")  # comma-separated
    pathway: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pathway_role: Mapped[str | None] = mapped_column(String(100), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    identities: Mapped[list["Identity"]] = relationship(back_populates="person")

    @property
    def role_set(self) -> set[str]:
        return {r.strip() for r in self.roles.split(",") if r.strip()}


class Identity(Base):
    """A platform account: (slack, team id, user id) or (teams, tenant id, AAD object id)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_key", name="uq_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    platform: Mapped[str] = mapped_column(String(20))
    tenant: Mapped[str] = mapped_column(String(100))
    user_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="identities")


class SignoffRequest(Base):
    __tablename__ = "signoff_requests"
    __table_args__ = (Index("ix_signoff_trainee", "trainee_id"), Index("ix_signoff_mentor_status", "mentor_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    competency_id: Mapped[str] = mapped_column(String(40))
    competency_title: Mapped[str] = mapped_column(String(300))
    framework_version: Mapped[str] = mapped_column(String(40))
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    evidence_links: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of URLs
    status: Mapped[str] = mapped_column(String(30))
    # "<trainee>:<competency>" while the request is open, NULL once closed: a unique column
    # gives "one open request per trainee and competency" on SQLite and PostgreSQL alike
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    trainee: Mapped[Person] = relationship(foreign_keys=[trainee_id])
    mentor: Mapped[Person | None] = relationship(foreign_keys=[mentor_id])
    signatures: Mapped[list["Signature"]] = relationship(back_populates="request", order_by="Signature.id")


class Signature(Base):
    """An assessor's signed decision. Never updated or deleted (database triggers refuse it)."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("platform", "platform_event_id", name="uq_signature_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("signoff_requests.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    # the signer's band when they signed (NULL on signatures made before migration 0007 recorded it)
    signer_band: Mapped[str | None] = mapped_column(String(8), nullable=True)
    decision: Mapped[str] = mapped_column(String(30))  # approved | changes_requested | rejected | correction
    meaning: Mapped[str] = mapped_column(String(200))  # e.g. "assessed as competent"
    reason: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    platform: Mapped[str] = mapped_column(String(20))
    platform_event_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"), nullable=True)

    request: Mapped[SignoffRequest] = relationship(back_populates="signatures")
    signer: Mapped[Person] = relationship()


class AuditEvent(Base):
    """Append-only, hash-chained record of every change (who, what, when, why, old → new)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(320))  # email, or "system"
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    old_values: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    new_values: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ExpertProfile(Base):
    """What a subject matter expert (or the fallback group) answers; synced from knowledge/experts.yaml."""

    __tablename__ = "expert_profiles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    role_title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    areas: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=5)
    available: Mapped[bool] = mapped_column(default=True)
    is_fallback: Mapped[bool] = mapped_column(default=False)

    person: Mapped[Person] = relationship()


class Escalation(Base):
    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalation_expert_status", "expert_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # open | claimed | answered | closed
    route_reason: Mapped[str] = mapped_column(Text, default="")
    previous_experts: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of person ids
    confidence: Mapped[float | None] = mapped_column(nullable=True)
    passages: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the assistant's own best passages
    index_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(Text, default="{}")  # JSON: platform, channel, thread of the question
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    asker: Mapped[Person] = relationship(foreign_keys=[asker_id])
    expert: Mapped[Person | None] = relationship(foreign_keys=[expert_id])


class VerifiedAnswer(Base):
    __tablename__ = "verified_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), unique=True)
    question: Mapped[str] = mapped_column(Text)
    answer_text: Mapped[str] = mapped_column(Text)
    expert_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    second_expert_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # awaiting_second | published | retired
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    expert: Mapped[Person] = relationship(foreign_keys=[expert_id])
    second_expert: Mapped[Person | None] = relationship(foreign_keys=[second_expert_id])


class QuestionLog(Base):
    """Every question answered or declined (never one the privacy guard refused)."""

    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    platform: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))  # answered | declined | out_of_scope (clinical)
    confidence: Mapped[float | None] = mapped_column(nullable=True)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    cited: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{doc_id, version, section}]
    index_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("question_log_id", "person_id", name="uq_feedback_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_log_id: Mapped[int] = mapped_column(ForeignKey("question_log.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    rating: Mapped[str] = mapped_column(String(20))  # helpful | not_helpful
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """Platform deliveries already handled (Slack event ids, Teams activity ids): a retry is ignored."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_key", name="uq_processed_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConversationRef(Base):
    """The last conversation a person used on a platform, for proactive messages (Teams)."""

    __tablename__ = "conversation_refs"
    __table_args__ = (UniqueConstraint("person_id", "platform", name="uq_conversation_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    platform: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(Text)  # JSON ConversationReference
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class JobRun(Base):
    """One scheduled slot of one job: the unique key makes a slot run once across replicas."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "slot", name="uq_job_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    slot: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))  # running | done | failed
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class ServiceState(Base):
    """Small shared facts between replicas, e.g. the live index version."""

    __tablename__ = "service_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConversationContext(Base):
    """The last question and the section last quoted in one place (platform, person, channel, thread), so a
    follow-up or "section" works whichever replica receives it. Conversation state, not a record: the row
    is overwritten by the next question; the question itself is logged in ``question_log``."""

    __tablename__ = "conversation_context"

    place_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the place
    question: Mapped[str | None] = mapped_column(Text, nullable=True)
    question_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    section_ref: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MentorAssignment(Base):
    """A mentor's standing responsibility for a trainee (from the people YAML). Ending one sets
    ``ended_at``; rows are never deleted, so who mentored whom, and when, stays on the record."""

    __tablename__ = "mentor_assignments"
    __table_args__ = (Index("ix_mentor_assignment_mentor", "mentor_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    # "<mentor>:<trainee>" while the assignment runs, NULL once ended: one running assignment per pair
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DocumentOwner(Base):
    """Who is responsible for a knowledge document's upkeep (assigned from the gap report). A new
    assignment supersedes the current one (``superseded_at``); rows are never deleted."""

    __tablename__ = "document_owners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # the doc id while this is the current owner, NULL once superseded: one current owner per document
    current_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])
    assigned_by: Mapped[Person] = relationship(foreign_keys=[assigned_by_id])
