"""Platform-neutral message types: adapters translate to and from these, the core speaks only these."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Incoming:
    """One message from a person, whatever the platform."""

    text: str
    user_id: str  # platform user id (e.g. Slack U123, AAD object id, or 'console')
    platform: str = "console"  # console | slack | teams
    channel: str | None = None
    thread: str | None = None
    event_id: str | None = None  # the platform's delivery id, for de-duplication
    user_name: str | None = None
    message_id: str | None = None  # the platform's id of this message (a thread started from it carries it)


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    section: str
    version: str
    effective: str | None
    path: str
    review_due: str | None = None
    url: str | None = None
    overdue_review: bool = False

    def label(self) -> str:
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        parts.append(f"v{self.version}" if self.version[:1].isdigit() else self.version)
        if self.effective:
            parts.append(f"effective {self.effective}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Quote:
    """A span copied verbatim from a source (a sentence, paragraph, list or table row), and where it came
    from. ``context`` is shown with it but is not the answer: the self-check question an answer belongs
    to, or which items of a long list are shown."""

    text: str
    citation: Citation
    context: str = ""

    @property
    def display(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Action:
    """A follow-up the person can take (a button on Slack/Teams, a typed command in the terminal)."""

    id: str  # e.g. 'ask_expert', 'feedback_helpful', 'signoff_approve': unique across the product, and
    # every adapter handles each id it can render (tests/adapters/*/test_actions.py checks it)
    label: str
    value: str = ""


class ReplyKind(str, Enum):
    ANSWER = "answer"
    DECLINED = "declined"  # the approved material does not cover the question
    INVALID = "invalid"  # empty / too long / not understood
    HELP = "help"
    RECORD = "record"  # a training-record action was carried out (or listed)
    OUT_OF_SCOPE = "out_of_scope"  # an individual patient's clinical care: never answered with a quote
    INFO = "info"  # who to ask (the expert directory), what a competency needs (the framework), a whole section


@dataclass
class Reply:
    kind: ReplyKind
    text: str
    quotes: list[Quote] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    confidence: float | None = None
    index_version: str | None = None
    warnings: list[str] = field(default_factory=list)
    notifications: list["Notification"] = field(default_factory=list)  # for other people
    nearest_docs: list[str] = field(default_factory=list)  # declined: the closest documents (gap report)
    log_id: int | None = None  # the stored question, for feedback buttons
    preface: str | None = None  # shown before the answer, e.g. "Taking this as: …" for a follow-up
    question: str | None = None  # the question answered (after follow-up resolution)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def citations(self) -> list[Citation]:
        seen, out = set(), []
        for q in self.quotes:
            key = (q.citation.doc_id, q.citation.section)
            if key not in seen:
                seen.add(key)
                out.append(q.citation)
        return out

    def numbered_quotes(self) -> list[tuple[int, Quote]]:
        """Each quote with the number of its source in ``citations`` (1-based), so a reader can tell
        which sentence came from which document section."""
        number = {(c.doc_id, c.section): i for i, c in enumerate(self.citations, 1)}
        return [(number[(q.citation.doc_id, q.citation.section)], q) for q in self.quotes]


@dataclass(frozen=True)
class Notification:
    """A message for another person (mentor, trainee, expert); adapters deliver it on whichever
    platform that person uses."""

    person_id: int
    text: str
    kind: str  # e.g. 'signoff_requested', 'signoff_decided', 'reminder_pending', 'reminder_expiring'
    request_id: int | None = None
    actions: tuple[Action, ...] = ()
    origin: dict | None = None  # where the original question was asked (platform, channel, thread)
    # a sign-off record's outcome, for the colour and icon adapters show:
    # approved | changes_requested | rejected | withdrawn | revoked | expired
    outcome: str | None = None
