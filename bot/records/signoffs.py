"""Sign-off service: request, decide, withdraw, correct and expire competency sign-offs.

Every method takes the acting person's id, runs in one transaction, writes audit events for every
change, and returns an ``Outcome`` whose ``message`` can be shown to the actor as it is.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import audit as audit_db
from bot.db import people as people_db
from bot.db import signoffs as so_db
from bot.db.models import Person, SignoffRequest
from bot.messages import Action, Notification

from .framework import Framework

MAX_EVIDENCE_CHARS = 4000
MAX_LINKS = 10
URL = re.compile(r"^https?://\S+$")
DECISIONS = {
    # command → (status, signature meaning, reason required)
    "approve": ("approved", "assessed as competent", False),
    "changes": ("changes_requested", "further evidence requested before a decision", True),
    "reject": ("rejected", "assessed as not yet competent", True),
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def ref(request_id: int) -> str:
    return f"SO-{request_id}"


def fmt_time(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def request_text(trainee: Person, competency_id: str, title: str, request_id: int, evidence: str,
                 links: list[str]) -> str:
    """What an assessor reads about a request: who, what, the evidence whole and every link."""
    return (f"{trainee.name} (band {trainee.band}, {trainee.site or 'site not set'}) asks you to sign off "
            f"{competency_id} {title} ({ref(request_id)}).\nEvidence: {evidence or '(none given)'}"
            + (f"\nLinks:\n" + "\n".join(f"• {link}" for link in links) if links else ""))


def decision_actions(request_id: int) -> tuple[Action, ...]:
    return (Action("signoff_approve", "Approve", str(request_id)),
            Action("signoff_changes", "Request changes", str(request_id)),
            Action("signoff_reject", "Reject", str(request_id)))


@dataclass
class Outcome:
    ok: bool
    message: str
    request_id: int | None = None
    notifications: list[Notification] = field(default_factory=list)
    status: str | None = None  # the request's status after the action (approved, rejected, …)


class SignoffService:
    def __init__(self, sessions: sessionmaker[Session], framework: Framework,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.sessions = sessions
        self.framework = framework
        self.clock = clock

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _person(session: Session, person_id: int) -> Person:
        person = people_db.get_person(session, person_id)
        if person is None or not person.active:
            raise LookupError(f"person {person_id} is not registered")
        return person

    def _unknown_competency(self, competency_id: str) -> Outcome:
        hints = self.framework.suggest(competency_id)
        hint = ("Did you mean " + ", ".join(f"{c.id} ({c.title})" for c in hints) + "?") if hints else \
            "Use the competency id from the framework, e.g. ASP-01."
        return Outcome(False, f"There is no competency '{competency_id}' in framework "
                              f"{self.framework.version}. {hint}")

    # -- trainee actions ---------------------------------------------------------------------------
    def request(self, trainee_id: int, competency_id: str, mentor_email: str, evidence: str = "",
                links: list[str] | None = None, platform: str = "console") -> Outcome:
        comp = self.framework.get(competency_id)
        if comp is None:
            return self._unknown_competency(competency_id)
        evidence, links = (evidence or "").strip(), [l.strip() for l in links or [] if l.strip()]
        if len(evidence) > MAX_EVIDENCE_CHARS:
            return Outcome(False, f"The evidence is {len(evidence):,} characters; the limit is {MAX_EVIDENCE_CHARS:,}. "
                                  "Summarise it and add links to the full records instead.")
        bad = [l for l in links if not URL.match(l)]
        if bad or len(links) > MAX_LINKS:
            return Outcome(False, f"Evidence links must be at most {MAX_LINKS} http(s) addresses"
                                  + (f"; not a link: {bad[0]}" if bad else "."))
        now = self.clock()
        with self.sessions.begin() as session:
            trainee = self._person(session, trainee_id)
            mentor = people_db.person_by_email(session, mentor_email)
            if mentor is None or not mentor.active:
                return Outcome(False, f"No one with the email {mentor_email} is registered. Check the address, or ask "
                                      "your training lead to add them.")
            if mentor.id == trainee.id:
                return Outcome(False, "You cannot sign off your own competency: name a mentor or assessor.")
            refusal = self.framework.assessor_refusal(mentor.role_set, mentor.band_level, comp)
            if refusal:
                return Outcome(False, refusal.replace("can sign this off", "can sign this off, and "
                                                      f"{mentor.name} is not one") + " Name another assessor.")
            existing = so_db.open_request(session, trainee.id, comp.id)
            if existing is not None and existing.status == "requested":
                return Outcome(False, f"You already have an open request {ref(existing.id)} for {comp.id}; "
                                      "withdraw it first if you want to change it.", existing.id)
            if existing is not None:  # changes were requested: this is the resubmission
                old = {"status": existing.status, "evidence": existing.evidence_text, "mentor_id": existing.mentor_id}
                so_db.transition(session, existing.id, ("changes_requested",), "requested", now,
                                 evidence_text=evidence, evidence_links=json.dumps(links), mentor_id=mentor.id)
                audit_db.append_event(session, actor=trainee, action="signoff.resubmitted", entity="signoff_request",
                                      entity_id=str(existing.id), now=now, reason="further evidence added", old=old,
                                      new={"status": "requested", "evidence": evidence, "links": links,
                                           "mentor_id": mentor.id})
                req_id = existing.id
            else:
                try:
                    with session.begin_nested():
                        req = so_db.create_request(session, trainee_id=trainee.id, mentor_id=mentor.id,
                                                   competency_id=comp.id, competency_title=comp.title,
                                                   framework_version=self.framework.version, evidence_text=evidence,
                                                   evidence_links=links, now=now)
                except IntegrityError:
                    return Outcome(False, f"You already have an open request for {comp.id}.")
                audit_db.append_event(session, actor=trainee, action="signoff.requested", entity="signoff_request",
                                      entity_id=str(req.id), now=now, reason="sign-off requested",
                                      new={"competency": comp.id, "framework_version": self.framework.version,
                                           "mentor_id": mentor.id, "evidence": evidence, "links": links,
                                           "status": "requested"})
                req_id = req.id
            note = Notification(mentor.id, request_text(trainee, comp.id, comp.title, req_id, evidence, links),
                                "signoff_requested", req_id, decision_actions(req_id))
            return Outcome(True, f"Sign-off request {ref(req_id)} for {comp.id} {comp.title} sent to {mentor.name}.",
                           req_id, [note])

    def withdraw(self, trainee_id: int, request_id: int, reason: str = "") -> Outcome:
        now = self.clock()
        with self.sessions.begin() as session:
            actor = self._person(session, trainee_id)
            req = so_db.get_request(session, request_id)
            if req is None:
                return Outcome(False, f"There is no sign-off request {ref(request_id)}.")
            if req.trainee_id != actor.id:
                return Outcome(False, f"Only the trainee who made {ref(request_id)} can withdraw it.")
            before = req.status
            if not so_db.transition(session, req.id, so_db.OPEN, "withdrawn", now):
                return Outcome(False, f"{ref(request_id)} is already {req.status.replace('_', ' ')}; nothing to withdraw.")
            audit_db.append_event(session, actor=actor, action="signoff.withdrawn", entity="signoff_request",
                                  entity_id=str(req.id), now=now, reason=reason or "withdrawn by the trainee",
                                  old={"status": before}, new={"status": "withdrawn"})
            notes = [Notification(req.mentor_id, f"{actor.name} withdrew {ref(req.id)} ({req.competency_id}).",
                                  "signoff_withdrawn", req.id, outcome="withdrawn")] if req.mentor_id else []
            return Outcome(True, f"{ref(req.id)} withdrawn.", req.id, notes, "withdrawn")

    # -- assessor actions --------------------------------------------------------------------------
    def decide(self, assessor_id: int, request_id: int, decision: str, reason: str = "",
               platform: str = "console", event_id: str | None = None) -> Outcome:
        if decision not in DECISIONS:
            return Outcome(False, f"Unknown decision '{decision}': use approve, changes or reject.")
        status, meaning, needs_reason = DECISIONS[decision]
        reason = (reason or "").strip()
        if needs_reason and not reason:
            return Outcome(False, "Give a reason, so the trainee knows what to do next.")
        now = self.clock()
        with self.sessions.begin() as session:
            assessor = self._person(session, assessor_id)
            if event_id:
                done = so_db.signature_for_event(session, platform, event_id)
                if done is not None:  # a retried delivery of a decision already recorded
                    return Outcome(True, f"Already recorded: {ref(done.request_id)} {done.decision.replace('_', ' ')} "
                                         f"by {done.printed_name} at {fmt_time(done.signed_at)}.", done.request_id)
            req = so_db.get_request(session, request_id)
            if req is None:
                return Outcome(False, f"There is no sign-off request {ref(request_id)}.")
            if req.trainee_id == assessor.id:
                return Outcome(False, "You cannot sign off your own request.")
            comp = self.framework.get(req.competency_id)
            refusal = self.framework.assessor_refusal(assessor.role_set, assessor.band_level, comp) if comp else \
                f"{req.competency_id} is no longer in the framework; ask an administrator."
            if refusal:
                return Outcome(False, refusal)
            extra = {"decided_at": now}
            if status == "approved" and comp.revalidate_months:
                extra["expires_at"] = add_months(now, int(comp.revalidate_months))
            if not so_db.transition(session, req.id, ("requested",), status, now, **extra):
                return self._lost_race(session, req.id)
            sig = so_db.add_signature(session, request_id=req.id, signer_id=assessor.id, printed_name=assessor.name,
                                      job_title=assessor.job_title, signer_band=assessor.band, decision=status,
                                      meaning=meaning, reason=reason, signed_at=now, platform=platform,
                                      platform_event_id=event_id)
            new = {"status": status, "signature_id": sig.id, "meaning": meaning, "signer_band": assessor.band}
            if "expires_at" in extra:
                new["expires_at"] = extra["expires_at"].isoformat()
            audit_db.append_event(session, actor=assessor, action=f"signoff.{status}", entity="signoff_request",
                                  entity_id=str(req.id), now=now, reason=reason or meaning,
                                  old={"status": "requested"}, new=new)
            outcome_text = {"approved": "approved", "changes_requested": "returned for more evidence",
                            "rejected": "not approved"}[status]
            expiry = f" It is valid until {fmt_time(extra['expires_at'])}." if "expires_at" in extra else ""
            note = Notification(req.trainee_id, f"{assessor.name} {outcome_text} {ref(req.id)} {req.competency_id} "
                                f"{req.competency_title}.{expiry}" + (f"\nReason: {reason}" if reason else ""),
                                "signoff_decided", req.id, outcome=status)
            return Outcome(True, f"{ref(req.id)} {req.competency_id} {outcome_text}; signed by {assessor.name} at "
                                 f"{fmt_time(now)}.", req.id, [note], status)

    def _lost_race(self, session: Session, request_id: int) -> Outcome:
        req = so_db.get_request(session, request_id)
        last = req.signatures[-1] if req.signatures else None
        who = f" by {last.printed_name} at {fmt_time(last.signed_at)}" if last else ""
        return Outcome(False, f"{ref(request_id)} was already {req.status.replace('_', ' ')}{who}; "
                              "your decision was not recorded.", request_id)

    def correct(self, actor_id: int, request_id: int, reason: str, platform: str = "console") -> Outcome:
        """Withdraw an approval given in error: a new correction signature; the original stays visible."""
        reason = (reason or "").strip()
        if not reason:
            return Outcome(False, "A correction needs a reason.")
        now = self.clock()
        with self.sessions.begin() as session:
            actor = self._person(session, actor_id)
            req = so_db.get_request(session, request_id)
            if req is None:
                return Outcome(False, f"There is no sign-off request {ref(request_id)}.")
            original = next((s for s in reversed(req.signatures) if s.decision == "approved"), None)
            if original is None or req.status not in ("approved", "expired"):
                return Outcome(False, f"{ref(request_id)} has no approval to correct.")
            if actor.id != original.signer_id and "admin" not in actor.role_set:
                return Outcome(False, "Only the assessor who signed, or an administrator, can correct this record.")
            before = req.status
            if not so_db.transition(session, req.id, ("approved", "expired"), "revoked", now):
                return self._lost_race(session, req.id)
            sig = so_db.add_signature(session, request_id=req.id, signer_id=actor.id, printed_name=actor.name,
                                      job_title=actor.job_title, signer_band=actor.band, decision="correction",
                                      meaning="correction of an earlier signature", reason=reason, signed_at=now,
                                      platform=platform, platform_event_id=None, corrects_id=original.id)
            audit_db.append_event(session, actor=actor, action="signoff.corrected", entity="signoff_request",
                                  entity_id=str(req.id), now=now, reason=reason, old={"status": before},
                                  new={"status": "revoked", "signature_id": sig.id, "corrects": original.id})
            note = Notification(req.trainee_id, f"{actor.name} corrected {ref(req.id)} {req.competency_id}: the "
                                f"approval is withdrawn. Reason: {reason}", "signoff_corrected", req.id, outcome="revoked")
            return Outcome(True, f"{ref(req.id)} corrected; the original signature stays on the record.", req.id, [note],
                           "revoked")

    def request_note(self, viewer_id: int, request_id: int) -> Outcome:
        """The request as its assessor sees it (for a reminder's button, or a card updated after a decision):
        the evidence whole, and the decision buttons while it is still waiting for a decision."""
        with self.sessions() as session:
            viewer = self._person(session, viewer_id)
            req = so_db.get_request(session, request_id)
            if req is None:
                return Outcome(False, f"There is no sign-off request {ref(request_id)}.")
            comp = self.framework.get(req.competency_id)
            may_assess = comp is not None and not self.framework.assessor_refusal(viewer.role_set, viewer.band_level, comp)
            if viewer.id not in (req.trainee_id, req.mentor_id) and not may_assess:
                return Outcome(False, f"{ref(request_id)} is not yours to see: only its trainee, its mentor or an "
                                      f"authorised assessor for {req.competency_id} can open it.")
            text = request_text(req.trainee, req.competency_id, req.competency_title, req.id, req.evidence_text,
                                json.loads(req.evidence_links or "[]"))
            open_for_me = req.status == "requested" and viewer.id != req.trainee_id
            if not open_for_me:
                last = req.signatures[-1] if req.signatures else None
                text += f"\nStatus: {req.status.replace('_', ' ')}" + (
                    f"; last signature by {last.printed_name} at {fmt_time(last.signed_at)}" if last else "")
            note = Notification(viewer.id, text, "signoff_requested", req.id,
                                decision_actions(req.id) if open_for_me else ())
            return Outcome(True, f"{ref(req.id)} {req.competency_id} {req.status.replace('_', ' ')}.", req.id, [note],
                           req.status)

    def pending(self, assessor_id: int) -> list[SignoffRequest]:
        with self.sessions() as session:
            return so_db.pending_for_mentor(session, assessor_id)

    def expire_due(self) -> list[Notification]:
        """approved → expired for records past ``expires_at`` (idempotent; run by the scheduler)."""
        now = self.clock()
        notes = []
        with self.sessions.begin() as session:
            for req in so_db.approved_expiring_before(session, now):
                if so_db.transition(session, req.id, ("approved",), "expired", now):
                    audit_db.append_event(session, actor=None, action="signoff.expired", entity="signoff_request",
                                          entity_id=str(req.id), now=now, reason="revalidation period ended",
                                          old={"status": "approved"}, new={"status": "expired"})
                    notes.append(Notification(req.trainee_id, f"{req.competency_id} {req.competency_title} has expired: "
                                              "arrange revalidation with your mentor.", "signoff_expired", req.id,
                                              outcome="expired"))
        return notes
