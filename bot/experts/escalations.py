"""Experts in the loop: directory sync, routing, and the escalation lifecycle.

open → claimed → answered → closed (the trainee confirms); an escalation not claimed by its
deadline is re-routed to the next expert, then to the fallback group. Every step is audited and
refused when taken by the wrong person.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.db import audit as audit_db
from bot.db import experts as ex_db
from bot.db import people as people_db
from bot.db.models import Escalation, ExpertProfile
from bot.messages import Action, Notification
from bot.records.people import band_level, link_identity
from bot.records.signoffs import Outcome, fmt_time, utcnow

MAX_ANSWER_CHARS = 6000


def eref(escalation_id: int) -> str:
    return f"E-{escalation_id}"


# -- directory ---------------------------------------------------------------------------------------
@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def sync_experts(sessions: sessionmaker[Session], path: Path, clock: Callable[[], dt.datetime] = utcnow) -> SyncReport:
    """Create or update expert people and profiles (and the fallback group) from experts.yaml."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rows = list(data.get("experts") or [])
    group = data.get("fallback_group")
    if group:
        rows.append({"id": "fallback-group", "name": group["name"], "email": group["email"], "role": group["name"],
                     "job_title": "Expert group", "band": "8", "topics": [], "areas": [],
                     "description": "Fallback group for questions no individual expert can take.",
                     "capacity": 10_000, "available": True, "is_fallback": True})
    report = SyncReport()
    now = clock()
    with sessions.begin() as session:
        for row in rows:
            email = str(row["email"]).strip().lower()
            person = people_db.person_by_email(session, email)
            person_values = {"name": str(row["name"]), "job_title": str(row.get("job_title") or row.get("role", "")),
                             "band": str(row.get("band", "8")), "band_level": band_level(row.get("band", "8")),
                             "site": str(row.get("site") or "")}
            if person is None:
                person = people_db.add_person(session, email=email, roles=["expert", "mentor"], now=now, **person_values)
                audit_db.append_event(session, actor=None, action="person.added", entity="person",
                                      entity_id=str(person.id), now=now, reason=f"expert directory {Path(path).name}",
                                      new={"email": email, **person_values})
            else:
                roles = sorted(person.role_set | {"expert"})
                changed = people_db.update_person(session, person, roles=",".join(roles), **person_values)
                if changed:
                    audit_db.append_event(session, actor=None, action="person.updated", entity="person",
                                          entity_id=str(person.id), now=now, reason="expert directory sync",
                                          old={k: v[0] for k, v in changed.items()},
                                          new={k: v[1] for k, v in changed.items()})
            profile_values = {"external_id": str(row["id"]), "role_title": str(row.get("role", "")),
                              "topics": json.dumps(list(row.get("topics") or [])),
                              "areas": json.dumps(list(row.get("areas") or [])),
                              "description": str(row.get("description") or "").strip(),
                              "capacity": int(row.get("capacity", 5)), "available": bool(row.get("available", True)),
                              "is_fallback": bool(row.get("is_fallback", False))}
            existed = ex_db.profile_for(session, person.id) is not None
            _, changed = ex_db.upsert_profile(session, person, **profile_values)
            if changed:
                audit_db.append_event(session, actor=None, action="expert.updated" if existed else "expert.added",
                                      entity="expert", entity_id=str(person.id), now=now, reason="expert directory sync",
                                      old={k: v[0] for k, v in changed.items()} if existed else None,
                                      new={k: v[1] for k, v in changed.items()})
                report.updated += existed
                report.added += not existed
            else:
                report.unchanged += 1
            for platform, key_a, key_b in (("slack", "team_id", "user_id"), ("teams", "tenant_id", "aad_object_id")):
                ident = row.get(platform) or {}
                if ident.get(key_a) and ident.get(key_b):
                    link_identity(session, person, platform, str(ident[key_a]), str(ident[key_b]), now)
    return report


# -- routing -----------------------------------------------------------------------------------------
@dataclass
class Route:
    expert_id: int
    reason: str
    ranked: list[int] = field(default_factory=list)  # the next choices, for re-routing


class ExpertRouter:
    """Scores experts by embedding similarity to the question, plus a bonus when they own the
    documents the assistant's best passages came from; prefers the least-loaded of the best."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], doc_owners: dict[str, str],
                 doc_topics: dict[str, list[str]] | None = None, owner_bonus: float = 0.15,
                 topic_bonus: float = 0.05, tie_margin: float = 0.05):
        self.embed = embed
        self.doc_owners = doc_owners
        self.doc_topics = doc_topics or {}
        self.topic_bonus = topic_bonus
        self.owner_bonus = owner_bonus
        self.tie_margin = tie_margin
        self._cache: dict[str, np.ndarray] = {}

    def _vec(self, text: str) -> np.ndarray:
        if text not in self._cache:
            self._cache[text] = self.embed([text])[0]
        return self._cache[text]

    def rank(self, question: str, profiles: list[ExpertProfile], passage_docs: list[str],
             load: dict[int, int], exclude: set[int] = frozenset()) -> tuple[list[tuple[float, ExpertProfile]], str]:
        q = self._vec(question)
        owners = [self.doc_owners.get(d) for d in passage_docs[:5]]
        passage_topics = {t for d in passage_docs[:3] for t in self.doc_topics.get(d, [])}
        scored = []
        for p in profiles:
            if p.is_fallback or not p.available or p.person_id in exclude or load.get(p.person_id, 0) >= p.capacity:
                continue
            topics = json.loads(p.topics)
            score = float(self._vec(f"{p.role_title}. {p.description} Topics: {', '.join(topics)}") @ q)
            score += sum(self.owner_bonus * (1.0 if i == 0 else 0.5) for i, o in enumerate(owners) if o == p.role_title)
            shared = sum(1 for t in topics if any(t.lower() in pt or pt in t.lower() for pt in passage_topics))
            score += min(3, shared) * self.topic_bonus  # the best passages' document topics match the expert's
            scored.append((score, p))
        scored.sort(key=lambda sp: -sp[0])
        if not scored:
            return [], ""
        best = scored[0][0]
        top = [sp for sp in scored if sp[0] >= best - self.tie_margin]
        top.sort(key=lambda sp: (load.get(sp[1].person_id, 0), -sp[0]))
        ordered = top + [sp for sp in scored if sp not in top]
        chosen = ordered[0][1]
        topics = json.loads(chosen.topics) or [chosen.role_title]
        about = max(topics, key=lambda t: float(self._vec(t) @ q))
        return ordered, about

    def route(self, question: str, profiles: list[ExpertProfile], passage_docs: list[str], load: dict[int, int],
              exclude: set[int] = frozenset()) -> Route | None:
        ordered, about = self.rank(question, profiles, passage_docs, load, exclude)
        if ordered:
            chosen = ordered[0][1]
            role = chosen.role_title
            role = role[0].lower() + role[1:] if role[1:2].islower() else role  # "Radiopharmacy…" but "PN…"
            return Route(chosen.person_id, f"Routed to the {role} "
                                           f"({chosen.person.name}): question about {about}",
                         [p.person_id for _, p in ordered[1:]])
        group = next((p for p in profiles if p.is_fallback and p.person_id not in exclude), None)
        if group is None:
            return None
        return Route(group.person_id, f"Routed to the {group.person.name}: no individual expert is available")


# -- lifecycle ---------------------------------------------------------------------------------------
class EscalationService:
    def __init__(self, sessions: sessionmaker[Session], router: ExpertRouter, clock: Callable[[], dt.datetime] = utcnow,
                 deadline_hours: float = 24, require_second_expert: bool = False):
        self.sessions = sessions
        self.router = router
        self.clock = clock
        self.deadline = dt.timedelta(hours=deadline_hours)
        self.require_second_expert = require_second_expert

    def _expert_note(self, session: Session, esc: Escalation, prefix: str = "") -> Notification:
        asker = people_db.get_person(session, esc.asker_id)
        passages = json.loads(esc.passages)
        lines = [f"{prefix}{asker.name} (band {asker.band}, {asker.site or 'site not set'}) asks ({eref(esc.id)}):",
                 f"“{esc.question}”",
                 f"The assistant's own best material (confidence {esc.confidence:.2f}):" if esc.confidence is not None
                 else "The assistant found no material:"]
        lines += [f"  • {p['title']} › {p['section']} (v{p['version']}): {p['text']}" for p in passages[:3]]
        lines.append(f"Please claim by {fmt_time(esc.deadline_at)} or it moves to the next expert.")
        return Notification(esc.expert_id, "\n".join(lines), "escalation_assigned", esc.id,
                            (Action("escalation_claim", "Claim", str(esc.id)), Action("escalation_answer", "Answer", str(esc.id))))

    def escalate(self, asker_id: int, question: str, confidence: float | None = None,
                 passages: list[dict] | None = None, index_version: str | None = None,
                 origin: dict | None = None) -> Outcome:
        """``origin`` (platform, channel, thread) lets the adapter post the answer where the question was asked."""
        question = (question or "").strip()
        if not question:
            return Outcome(False, "Tell me the question to send to an expert, e.g. `expert how long can …`.")
        now = self.clock()
        passages = passages or []
        with self.sessions.begin() as session:
            asker = people_db.get_person(session, asker_id)
            route = self.router.route(question, ex_db.profiles(session), [p["doc_id"] for p in passages],
                                      ex_db.open_load(session), exclude={asker_id})
            if route is None:
                return Outcome(False, "No expert or expert group is set up yet: ask your training lead.")
            esc = ex_db.create_escalation(session, question=question, asker_id=asker.id, expert_id=route.expert_id,
                                          status="open", route_reason=route.reason, previous_experts="[]",
                                          confidence=confidence, passages=json.dumps(passages),
                                          index_version=index_version, answer_text="",
                                          origin=json.dumps(origin or {}), created_at=now,
                                          deadline_at=now + self.deadline)
            audit_db.append_event(session, actor=asker, action="escalation.opened", entity="escalation",
                                  entity_id=str(esc.id), now=now, reason=route.reason,
                                  new={"status": "open", "expert_id": route.expert_id, "question": question})
            expert = people_db.get_person(session, route.expert_id)
            return Outcome(True, f"{route.reason}. I've sent your question to {expert.name} as {eref(esc.id)}; "
                                 "I'll tell you when it is claimed and answered.", esc.id,
                           [self._expert_note(session, esc)])

    def _load(self, session: Session, escalation_id: int) -> Escalation | None:
        return ex_db.get_escalation(session, escalation_id)

    def _mine(self, session: Session, escalation_id: int, person_id: int, role: str,
              refusal: str) -> tuple[Escalation | None, Outcome | None]:
        """The escalation if ``person_id`` is its ``role`` ('expert_id' or 'asker_id'), else the refusal."""
        esc = self._load(session, escalation_id)
        if esc is None:
            return None, Outcome(False, f"There is no escalation {eref(escalation_id)}.")
        if getattr(esc, role) != person_id:
            return None, Outcome(False, refusal.format(ref=eref(esc.id)))
        return esc, None

    @staticmethod
    def _claim(session: Session, esc: Escalation, expert, now: dt.datetime) -> bool:
        """open → claimed, audited; False when it was no longer open."""
        if not ex_db.transition_escalation(session, esc.id, ("open",), "claimed", claimed_at=now):
            return False
        audit_db.append_event(session, actor=expert, action="escalation.claimed", entity="escalation",
                              entity_id=str(esc.id), now=now, old={"status": "open"}, new={"status": "claimed"})
        return True

    def claim(self, expert_id: int, escalation_id: int) -> Outcome:
        now = self.clock()
        with self.sessions.begin() as session:
            esc, refused = self._mine(session, escalation_id, expert_id, "expert_id",
                                      "{ref} is assigned to someone else; only they can claim it.")
            if refused:
                return refused
            expert = people_db.get_person(session, expert_id)
            if not self._claim(session, esc, expert, now):
                return Outcome(False, f"{eref(esc.id)} is already {esc.status}.")
            return Outcome(True, f"You have claimed {eref(esc.id)}. Reply with `answer {eref(esc.id)} …`.", esc.id,
                           [Notification(esc.asker_id, f"{expert.name} is looking at your question {eref(esc.id)}.",
                                         "escalation_claimed", esc.id)])

    def answer(self, expert_id: int, escalation_id: int, text: str) -> Outcome:
        text = (text or "").strip()
        if not text:
            return Outcome(False, f"Write the answer after the id: `answer {eref(escalation_id)} your answer`.")
        if len(text) > MAX_ANSWER_CHARS:
            return Outcome(False, f"The answer is {len(text):,} characters; keep it under {MAX_ANSWER_CHARS:,} and "
                                  "link to longer documents.")
        now = self.clock()
        with self.sessions.begin() as session:
            esc, refused = self._mine(session, escalation_id, expert_id, "expert_id",
                                      "Only the expert {ref} is assigned to can answer it.")
            if refused:
                return refused
            expert = people_db.get_person(session, expert_id)
            if esc.status == "open":  # answering also claims it
                self._claim(session, esc, expert, now)
            if not ex_db.transition_escalation(session, esc.id, ("claimed",), "answered", answered_at=now,
                                               answer_text=text):
                return Outcome(False, f"{eref(esc.id)} is already {esc.status}.")
            audit_db.append_event(session, actor=expert, action="escalation.answered", entity="escalation",
                                  entity_id=str(esc.id), now=now, old={"status": "claimed"},
                                  new={"status": "answered", "answer": text})
            note = Notification(esc.asker_id, f"{expert.name} ({expert.job_title}) answered your question "
                                f"{eref(esc.id)} “{esc.question}”:\n{text}\nReply `close {eref(esc.id)}` if this answers it.",
                                "escalation_answered", esc.id, (Action("escalation_close", "That answers it", str(esc.id)),),
                                origin=json.loads(esc.origin or "{}"))
            return Outcome(True, f"Answer sent for {eref(esc.id)}. `publish {eref(esc.id)}` adds it to the knowledge "
                                 "base as a verified answer.", esc.id, [note])

    def close(self, asker_id: int, escalation_id: int) -> Outcome:
        now = self.clock()
        with self.sessions.begin() as session:
            esc, refused = self._mine(session, escalation_id, asker_id, "asker_id",
                                      "Only the person who asked {ref} can close it.")
            if refused:
                return refused
            if not ex_db.transition_escalation(session, esc.id, ("answered",), "closed", closed_at=now):
                return Outcome(False, f"{eref(esc.id)} is {esc.status}; it can be closed once it is answered.")
            audit_db.append_event(session, actor=people_db.get_person(session, asker_id), action="escalation.closed",
                                  entity="escalation", entity_id=str(esc.id), now=now, old={"status": "answered"},
                                  new={"status": "closed"}, reason="the trainee confirmed the answer")
            return Outcome(True, f"{eref(esc.id)} closed. Thank you.", esc.id)

    def reroute_overdue(self) -> list[Notification]:
        """Escalations not claimed by their deadline go to the next expert, then the fallback group."""
        now = self.clock()
        notes: list[Notification] = []
        with self.sessions.begin() as session:
            for esc in ex_db.overdue_unclaimed(session, now):
                tried = set(json.loads(esc.previous_experts)) | {esc.expert_id, esc.asker_id}
                passages = json.loads(esc.passages)
                route = self.router.route(esc.question, ex_db.profiles(session), [p["doc_id"] for p in passages],
                                          ex_db.open_load(session), exclude=tried)
                if route is None:
                    continue  # nobody left: it stays with the current assignee
                previous = esc.expert_id
                if not ex_db.reassign_escalation(session, esc.id, esc.row_version, expert_id=route.expert_id,
                                                 route_reason=route.reason, deadline_at=now + self.deadline,
                                                 previous_experts=json.dumps(sorted(tried - {esc.asker_id}))):
                    continue
                audit_db.append_event(session, actor=None, action="escalation.rerouted", entity="escalation",
                                      entity_id=str(esc.id), now=now, reason=f"not claimed by the deadline; {route.reason}",
                                      old={"expert_id": previous}, new={"expert_id": route.expert_id})
                esc = self._load(session, esc.id)
                notes.append(self._expert_note(session, esc, "Re-routed to you: "))
                expert = people_db.get_person(session, route.expert_id)
                notes.append(Notification(esc.asker_id, f"Your question {eref(esc.id)} was not picked up in time, so it "
                                          f"has moved to {expert.name}.", "escalation_rerouted", esc.id))
        return notes

    def set_availability(self, expert_id: int, available: bool) -> Outcome:
        """An expert turns themselves off (leave, busy) or on again; routing skips unavailable experts."""
        now = self.clock()
        with self.sessions.begin() as session:
            profile = ex_db.profile_for(session, expert_id)
            if profile is None:
                return Outcome(False, "Only experts in the expert directory have an availability setting.")
            _, changed = ex_db.upsert_profile(session, profile.person, available=available)
            if changed:
                audit_db.append_event(session, actor=profile.person, action="expert.availability", entity="expert",
                                      entity_id=str(expert_id), now=now, old={"available": not available},
                                      new={"available": available})
        return Outcome(True, "You are available for new questions." if available else
                       "You will not be sent new questions until you type `available on`.")

    def mine(self, asker_id: int) -> list[Escalation]:
        with self.sessions() as session:
            return ex_db.escalations_for_asker(session, asker_id)

    def assigned(self, expert_id: int) -> list[Escalation]:
        with self.sessions() as session:
            return ex_db.escalations_for_expert(session, expert_id)
