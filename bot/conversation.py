"""The one entry point every adapter calls: ``Conversation.handle(Incoming) -> list[Reply]``.

Order of a turn: checks (empty, too long, patient data) → help → record and expert commands →
"show the whole section" → "who can I ask about X" (expert directory) → "how do I get signed off for X"
(competency framework) → a follow-up resolved against the previous question in the same place → the
clinical scope guard and the answerer.
"""
from __future__ import annotations

import logging
import re
import threading

from indexer.snapshot import SnapshotError

from .answering.answers import citation_for
from .answering.followups import FollowUps
from .answering.knowledge import KnowledgeBase
from .answering.question_types import CLINICAL_REPLY
from .answering.sections import section_ref, whole_section
from .config import Settings
from .experts.commands import handle_expert_command, match_expert_command
from .experts.directory import ExpertDirectory, describe as describe_experts, entries_from_db, entries_from_yaml, expert_topic
from .messages import Action, Incoming, Quote, Reply, ReplyKind
from .privacy import refusal_for
from .records.commands import handle_record_command, is_record_command
from .records.competency_info import CompetencyFinder, describe as describe_competency, signoff_topic
from .records.framework import Framework, FrameworkError
from .service.logs import new_request_id, request_id

log = logging.getLogger(__name__)

HELP_TEXT = (
    "Ask me a practice question in your own words, for example:\n"
    "• what are the particle limits for grade B in operation?\n"
    "• how often do I change gloves in the isolator?\n"
    "• who can I ask about radiopharmacy?  • how do I get signed off for aseptic prep?\n"
    "I answer only by quoting the approved guidance and course material, with the document, "
    "section and version. If the material does not cover your question I will say so, and you can type "
    "`expert` to send it to a subject matter expert. After an answer, type `helpful` or `not helpful`, "
    "or `section` to see the whole section. A short follow-up such as \"and in grade C?\" carries on from "
    "your last question in the same thread for a few minutes."
)
HELP_WORDS = {"help", "?", "/help", "hi", "hello", "start"}
SECTION_WORDS = re.compile(r"^/?(?:section|show (?:the )?(?:whole )?section|whole section|show more|more)\s*[.!]*$", re.I)


class Conversation:
    def __init__(self, kb: KnowledgeBase, settings: Settings, records=None, followups: FollowUps | None = None):
        self.kb = kb
        self.settings = settings
        self.records = records  # bot.service.wiring.Records, or None when training records are not set up
        # with a database, the last question and section of each place are shared by every replica
        self.followups = followups or FollowUps(window=settings.followup_seconds,
                                                store=getattr(records, "places", None))
        self.directory = ExpertDirectory(self._expert_entries, self._embed)
        self.competencies = CompetencyFinder(self._framework, self._embed)
        self._framework_cache: Framework | None = None
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
        place = (msg.platform, msg.user_id, msg.channel, msg.thread)
        if SECTION_WORDS.match(text):
            ref = self.followups.store.section(place)
            return [self.section(ref) if ref else Reply(ReplyKind.INVALID, "Ask a question first; then `section` "
                                                        "shows the whole section the answer came from.")]
        topic = expert_topic(text)
        if topic:
            return [self.who_to_ask(topic, text)]
        topic = signoff_topic(text)
        if topic:
            reply = self.how_to_get_signed_off(topic)
            if reply is not None:
                return [reply]
        resolved = self.followups.resolve(place, text)
        question = resolved or text
        reply = self.ask(question)
        if resolved:
            reply.preface = f"Taking this as: “{resolved}”"
        # a reply in the thread this message starts continues it too
        places = [place] + ([(msg.platform, msg.user_id, msg.channel, msg.message_id)]
                            if msg.thread is None and msg.message_id else [])
        if reply.kind in (ReplyKind.ANSWER, ReplyKind.DECLINED):
            first = reply.quotes[0].citation if reply.kind is ReplyKind.ANSWER and reply.quotes else None
            ref = section_ref(first.doc_id, first.section) if first else None
            for p in places:  # one write per place: the question, and the section an answer quoted
                self.followups.store.remember(p, question=question, section_ref=ref)
        if self.records is not None and reply.kind in (ReplyKind.ANSWER, ReplyKind.DECLINED, ReplyKind.OUT_OF_SCOPE):
            self._log(msg, question, reply)
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
        if result.scope == "clinical":
            return Reply(ReplyKind.OUT_OF_SCOPE, CLINICAL_REPLY, index_version=version, question=question)
        if not result.answered:
            nearest = result.chunks[0] if result.chunks else None
            nearest_docs = list(dict.fromkeys(c.doc_id for c in result.chunks[:3]))
            text = ("The approved material I have does not clearly cover this, so I won't guess "
                    f"(confidence {result.confidence:.2f}). You can ask an expert instead.")
            if nearest is not None:
                text += f"\nNearest material, not a confirmed answer: {nearest.heading} (v{nearest.version})."
            return Reply(ReplyKind.DECLINED, text, confidence=result.confidence, index_version=version,
                         actions=[Action("ask_expert", "Ask an expert", question)], nearest_docs=nearest_docs,
                         question=question)
        warnings = [
            f"{c.title} (v{c.version}) was due for review on {c.review_due}: check it is still the current "
            "controlled version before relying on it."
            for c in {q.citation.doc_id: q.citation for q in result.quotes}.values() if c.overdue_review
        ]
        first = result.quotes[0].citation
        actions = [Action("feedback_helpful", "Helpful", question),
                   Action("feedback_not_helpful", "Not helpful", question),
                   Action("show_section", "Show the whole section", section_ref(first.doc_id, first.section))]
        if result.confidence < live.answerer.min_confidence + 0.15:
            actions.append(Action("ask_expert", "Ask an expert", question))
        text = "\n".join(q.display for q in result.quotes)
        return Reply(ReplyKind.ANSWER, text, quotes=result.quotes, actions=actions, confidence=result.confidence,
                     index_version=version, warnings=warnings, question=question)

    def section(self, ref: str) -> Reply:
        """The whole section behind an answer (the "Show the whole section" action), verbatim."""
        try:
            live = self.kb.live
        except SnapshotError:
            return Reply(ReplyKind.INVALID, "The knowledge index is not available yet: ask an administrator to run "
                         "`techserv index`.")
        found = whole_section(live.snapshot.chunks, ref)
        if found is None:
            return Reply(ReplyKind.INVALID, "That section is no longer in the index (the document may have changed): "
                         "ask the question again.")
        meta, parts = found
        today = live.answerer.clock().date()
        quotes = [Quote(body, citation_for(meta, path, today)) for path, body in parts]
        return Reply(ReplyKind.INFO, "\n\n".join(f"{' > '.join(path)}\n{body}" for path, body in parts), quotes=quotes,
                     index_version=live.version)

    # -- the expert directory and the competency framework -------------------------------------------
    def _embed(self, texts: list[str]):
        return self.kb.embedder.encode(texts) if self.kb is not None else self.records.embed(texts)

    def _expert_entries(self):
        if self.records is not None:
            return entries_from_db(self.records.sessions)
        return entries_from_yaml(self.settings.knowledge_dir / "experts.yaml")

    def _framework(self) -> Framework | None:
        if self.records is not None:
            return self.records.framework
        if self._framework_cache is None:
            try:
                self._framework_cache = Framework.load(self.settings.knowledge_dir)
            except FrameworkError:
                return None
        return self._framework_cache

    def who_to_ask(self, topic: str, message: str) -> Reply:
        found = self.directory.find(topic)
        text = describe_experts(topic, found)
        actions = [Action("ask_expert", "Ask an expert", message)] if found else []
        return Reply(ReplyKind.INFO, text, actions=actions, question=message)

    def how_to_get_signed_off(self, topic: str) -> Reply | None:
        found = self.competencies.find(topic)
        fw = self.competencies.framework
        if not found or fw is None:
            return None
        best = found[0][1]
        text = describe_competency(best, fw, [c for _, c in found[1:]])
        return Reply(ReplyKind.INFO, text, actions=[Action("signoff_start", "Request sign-off", best.id)])
