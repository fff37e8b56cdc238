"""The one entry point every adapter calls: ``Conversation.handle(Incoming) -> list[Reply]``."""
from __future__ import annotations

import logging
import threading

from indexer.snapshot import SnapshotError

from .answering.knowledge import KnowledgeBase
from .config import Settings
from .experts.commands import handle_expert_command, match_expert_command
from .messages import Action, Incoming, Reply, ReplyKind
from .privacy import refusal_for
from .records.commands import handle_record_command, is_record_command
from .service.logs import new_request_id, request_id

log = logging.getLogger(__name__)

HELP_TEXT = (
    "Ask me a practice question in your own words, for example:\n"
    "• what are the particle limits for grade B in operation?\n"
    "• how often do I change gloves in the isolator?\n"
    "I answer only by quoting the approved guidance and course material, with the document, "
    "section and version. If the material does not cover your question I will say so, and you can type "
    "`expert` to send it to a subject matter expert. After an answer, type `helpful` or `not helpful`."
)
HELP_WORDS = {"help", "?", "/help", "hi", "hello", "start"}


class Conversation:
    def __init__(self, kb: KnowledgeBase, settings: Settings, records=None):
        self.kb = kb
        self.settings = settings
        self.records = records  # bot.service.wiring.Records, or None when training records are not set up
        self._in_flight = 0
        self._idle = threading.Condition()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no message is being handled (graceful shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def handle(self, msg: Incoming) -> list[Reply]:
        """Handle one message; every log line of the turn carries its request id."""
        token = new_request_id(msg.event_id)
        with self._idle:
            self._in_flight += 1
        try:
            log.info("message from %s on %s", msg.user_id, msg.platform)
            return self._handle(msg)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()
            request_id.reset(token)

    def _handle(self, msg: Incoming) -> list[Reply]:
        text = (msg.text or "").strip()
        if not text:
            return [Reply(ReplyKind.INVALID, "Your message was empty. Type a question, or `help` for examples.")]
        limit = self.settings.max_question_chars
        if len(text) > limit:
            return [Reply(ReplyKind.INVALID,
                          f"That message is {len(text):,} characters; I can take questions up to {limit:,}. "
                          "Please send just the question (you can paste a short extract of a worksheet "
                          "or SOP, but not the whole document).")]
        refusal = refusal_for(text)
        if refusal:  # nothing is stored, logged or escalated
            return [Reply(ReplyKind.INVALID, refusal)]
        if text.lower() in HELP_WORDS:
            return [Reply(ReplyKind.HELP, HELP_TEXT + ("\nType /records for sign-off and passport commands."
                                                       if self.records is not None else ""))]
        if is_record_command(text):
            return [handle_record_command(self.records, msg, text)]
        command = match_expert_command(text)
        if command:
            return [handle_expert_command(self, msg, *command)]
        reply = self.ask(text)
        if self.records is not None and reply.kind in (ReplyKind.ANSWER, ReplyKind.DECLINED):
            self._log(msg, text, reply)
        return [reply]

    def _log(self, msg: Incoming, question: str, reply: Reply) -> None:
        """Store the question for feedback and the knowledge-gap report; buttons carry the log id."""
        person = self.records.person_for(msg)
        nearest = [{"doc_id": d} for d in reply.nearest_docs]
        log_id = self.records.feedback.log(person.id if person else None, msg.platform, question, reply, nearest)
        reply.actions = [Action(a.id, a.label, str(log_id)) if a.id.startswith("feedback_") else a
                         for a in reply.actions]
        reply.log_id = log_id

    def ask(self, question: str) -> Reply:
        try:
            live = self.kb.live
        except SnapshotError as exc:
            log.error("no index loaded: %s", exc)
            return Reply(ReplyKind.INVALID, "The knowledge index is not available yet, so I cannot answer. "
                         "An administrator needs to run `techserv index`.")
        result = live.answerer.answer(question)
        version = live.version
        if not result.answered:
            nearest = result.chunks[0] if result.chunks else None
            nearest_docs = list(dict.fromkeys(c.doc_id for c in result.chunks[:3]))
            text = ("The approved material I have does not clearly cover this, so I won't guess "
                    f"(confidence {result.confidence:.2f}). You can ask an expert instead.")
            if nearest is not None:
                text += f"\nNearest material, not a confirmed answer: {nearest.heading} (v{nearest.version})."
            return Reply(ReplyKind.DECLINED, text, confidence=result.confidence, index_version=version,
                         actions=[Action("ask_expert", "Ask an expert", question)], nearest_docs=nearest_docs)
        warnings = [
            f"{c.title} (v{c.version}) was due for review on {c.review_due}: check it is still the current "
            "controlled version before relying on it."
            for c in {q.citation.doc_id: q.citation for q in result.quotes}.values() if c.overdue_review
        ]
        actions = [Action("feedback_helpful", "Helpful", question),
                   Action("feedback_not_helpful", "Not helpful", question)]
        if result.confidence < self.settings.min_confidence + 0.1:
            actions.append(Action("ask_expert", "Ask an expert", question))
        text = "\n".join(q.text for q in result.quotes)
        return Reply(ReplyKind.ANSWER, text, quotes=result.quotes, actions=actions,
                     confidence=result.confidence, index_version=version, warnings=warnings)
