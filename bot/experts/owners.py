"""Document owners: the person responsible for a knowledge document's upkeep, assigned by an admin or a
training / QA lead (from the dashboard's gap report). Each assignment is a row that supersedes the
previous one (nothing is edited or deleted), audited as ``document.owner_assigned``; the new owner is
told why. The front-matter ``owner`` (an expert role, used for routing) is the document's own statement
and is left alone: this records who acts on it."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.db import audit as audit_db
from bot.db import documents as docs_db
from bot.db import people as people_db
from bot.db.models import DocumentOwner
from bot.messages import Notification
from bot.records.signoffs import Outcome, utcnow

ASSIGNERS = {"admin", "lead"}
MAX_REASON_CHARS = 1000


class DocumentOwners:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime] = utcnow):
        self.sessions = sessions
        self.clock = clock

    def assign(self, actor_id: int, doc_id: str, owner_email: str, reason: str, titles: dict[str, str]) -> Outcome:
        """``titles``: the documents that exist (id → title), e.g. the live index's."""
        doc_id, reason = (doc_id or "").strip(), (reason or "").strip()
        if doc_id not in titles:
            return Outcome(False, f"There is no document '{doc_id}' in the live index: pick one from the list.")
        if not reason:
            return Outcome(False, "Say why (for example the knowledge gap it should close), so the owner knows what to do.")
        if len(reason) > MAX_REASON_CHARS:
            return Outcome(False, f"Keep the reason under {MAX_REASON_CHARS:,} characters.")
        now = self.clock()
        with self.sessions.begin() as session:
            actor = people_db.get_person(session, actor_id)
            if actor is None or not actor.active or not actor.role_set & ASSIGNERS:
                return Outcome(False, "Only an administrator or a training / QA lead can assign document owners.")
            owner = people_db.person_by_email(session, owner_email or "")
            if owner is None or not owner.active:
                return Outcome(False, f"No one with the email {owner_email} is registered: check the address, or "
                                      "import them with `techserv people import`.")
            previous = docs_db.current_owner(session, doc_id)
            if previous is not None and previous.owner_id == owner.id:
                return Outcome(False, f"{owner.name} already owns {doc_id}.")
            docs_db.supersede(session, doc_id, now)
            row = docs_db.add_owner(session, doc_id=doc_id, owner_id=owner.id, assigned_by_id=actor.id,
                                    reason=reason, now=now)
            audit_db.append_event(session, actor=actor, action="document.owner_assigned", entity="document",
                                  entity_id=doc_id, now=now, reason=reason,
                                  old={"owner_id": previous.owner_id} if previous else None,
                                  new={"owner_id": owner.id, "owner": owner.email, "assignment_id": row.id})
            note = Notification(owner.id, f"{actor.name} has made you responsible for the document "
                                f"“{titles[doc_id]}” [{doc_id}]. Reason: {reason}", "document_owner_assigned")
            return Outcome(True, f"{owner.name} now owns {titles[doc_id]} [{doc_id}].", row.id, [note])

    def current(self) -> dict[str, DocumentOwner]:
        with self.sessions() as session:
            return docs_db.current_owners(session)
