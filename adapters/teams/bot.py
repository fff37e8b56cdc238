"""The Teams bot: an ActivityHandler that translates Activities to the conversation core and back.

The core is synchronous (database, model), so each turn's work runs in a worker thread.
"""
from __future__ import annotations

import asyncio
import json
import logging

from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ConversationReference

from bot.conversation import Conversation
from bot.experts.commands import escalate
from bot.messages import Incoming, Notification

from . import cards

log = logging.getLogger(__name__)
UNKNOWN_USER = ("Hello! I don't know you yet, so I can't answer or keep training records for you. "
                "Please ask your training lead to add you to TechServ Assistant.")


def tenant_of(activity: Activity) -> str | None:
    if activity.conversation is not None and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    return ((activity.channel_data or {}).get("tenant") or {}).get("id")


class TechServTeamsBot(ActivityHandler):
    def __init__(self, conversation: Conversation, app_id: str | None, allowed_tenants: set[str] | None = None):
        if conversation.records is None:
            raise ValueError("the Teams adapter needs training records (a database)")
        self.conversation = conversation
        self.records = conversation.records
        self.app_id = app_id
        self.allowed_tenants = allowed_tenants or set()
        self.adapter = None  # set by the app, for proactive messages
        self.fallback = None  # sync callable for people not reachable in Teams (e.g. the Slack adapter)
        # every button the cards can carry, and its handler (tests/adapters/teams/test_actions.py)
        self.actions = {"signoff_submit": self._submit_signoff, "signoff_approve": self._decide,
                        "signoff_changes": self._decide, "signoff_reject": self._decide, "signoff_open": self._open,
                        "feedback_helpful": self._feedback, "feedback_not_helpful": self._feedback,
                        "ask_expert": self._ask_expert, "escalation_claim": self._claim,
                        "escalation_answer": self._answer, "escalation_close": self._close,
                        "show_section": self._show_section, "signoff_start": self._start_signoff}

    # -- identity --------------------------------------------------------------------------------------
    async def person(self, turn: TurnContext):
        activity = turn.activity
        tenant, aad = tenant_of(activity), activity.from_property.aad_object_id
        person = await asyncio.to_thread(self.records.person_for,
                                         Incoming(text="", user_id=f"{tenant}:{aad}", platform="teams"))
        if person is None and aad:
            try:  # first contact: the member's email from the Teams roster
                member = await TeamsInfo.get_member(turn, activity.from_property.id)
                email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
                if email:
                    person = await asyncio.to_thread(self.records.link_by_email, "teams", tenant, aad, email)
            except Exception:  # noqa: BLE001
                log.exception("could not read the Teams member %s", activity.from_property.id)
        if person is not None:
            ref = TurnContext.get_conversation_reference(activity)
            await asyncio.to_thread(self.records.save_reference, person.id, "teams", json.dumps(ref.serialize()))
        return person

    # -- turns -----------------------------------------------------------------------------------------
    async def on_message_activity(self, turn: TurnContext):
        activity = turn.activity
        tenant = tenant_of(activity)
        if self.allowed_tenants and tenant not in self.allowed_tenants:
            log.warning("refused a Teams activity from tenant %s (not on the allow-list)", tenant)
            await turn.send_activity("This assistant is not available to your organisation.")
            return
        key = f"{activity.conversation.id}:{activity.id}"
        if activity.id and not await asyncio.to_thread(self.records.first_delivery, "teams", key):
            log.info("duplicate Teams activity %s ignored", key)
            return
        person = await self.person(turn)
        if person is None:
            await turn.send_activity(UNKNOWN_USER)
            return
        if activity.value:  # an Adaptive Card button
            await self.on_card_action(turn, person, activity.value)
            return
        text = TurnContext.remove_recipient_mention(activity) or activity.text or ""
        if text.strip().lower() in ("/signoff", "signoff"):  # the form; typed arguments go to the core
            comps = [(c.id, c.title) for c in self.records.framework.competencies.values()]
            await turn.send_activity(MessageFactory.attachment(cards.signoff_form(comps)))
            return
        msg = Incoming(text=text.strip(), user_id=f"{tenant}:{activity.from_property.aad_object_id}", platform="teams",
                       channel=activity.conversation.id, thread=activity.reply_to_id, event_id=activity.id,
                       message_id=activity.id)
        replies = await asyncio.to_thread(self.conversation.handle, msg)
        for reply in replies:
            for attachment in cards.reply_cards(reply):
                await turn.send_activity(MessageFactory.attachment(attachment))
            await self.deliver(reply.notifications)

    async def on_card_action(self, turn: TurnContext, person, value: dict) -> None:
        handler = self.actions.get(value.get("action", ""))
        if handler is None:
            await turn.send_activity("That button is not recognised any more; please try again.")
            return
        out = await handler(turn, person, value.get("action"), value.get("value", ""), value)
        if out is None:
            return
        await turn.send_activity(out.message)
        await self.deliver(out.notifications)

    # -- card buttons (each returns the outcome to tell the clicker, or None when it answered itself) ----
    async def _submit_signoff(self, turn, person, action, target, value):
        words = f"{value.get('evidence') or ''}\n{value.get('links') or ''}".split()
        links = [w for w in words if w.startswith(("http://", "https://"))]
        return await asyncio.to_thread(self.records.signoffs.request, person.id, value.get("competency", ""),
                                       value.get("mentor", ""), " ".join(w for w in words if w not in links), links,
                                       "teams")

    async def _decide(self, turn, person, action, target, value):
        decision = action.split("_", 1)[1]
        out = await asyncio.to_thread(self.records.signoffs.decide, person.id, int(target), decision,
                                      value.get("reason", ""), "teams", turn.activity.id)
        if out.ok and turn.activity.reply_to_id and not out.message.startswith("Already recorded"):
            request = await asyncio.to_thread(self.records.signoffs.request_note, person.id, int(target))
            if request.ok:  # the request whole, from the record, with the outcome's own colour and icon
                updated = MessageFactory.attachment(cards.decided_card(request.notifications[0], out.status, out.message))
                updated.id = turn.activity.reply_to_id
                await turn.update_activity(updated)
        return out

    async def _open(self, turn, person, action, target, value):
        """A reminder's "Open SO-n": the request card, with its buttons while it waits for a decision."""
        out = await asyncio.to_thread(self.records.signoffs.request_note, person.id, int(target))
        if not out.ok:
            return out
        for attachment in cards.notification_cards(out.notifications[0]):
            await turn.send_activity(MessageFactory.attachment(attachment))
        return None

    async def _feedback(self, turn, person, action, target, value):
        if not str(target).isdigit():
            await turn.send_activity("That answer can no longer be rated.")
            return None
        return await asyncio.to_thread(self.records.feedback.rate, person.id, int(target), action == "feedback_helpful")

    async def _ask_expert(self, turn, person, action, target, value):
        origin = {"platform": "teams", "person_id": person.id}
        return await asyncio.to_thread(escalate, self.conversation, person.id, target, origin)

    async def _claim(self, turn, person, action, target, value):
        return await asyncio.to_thread(self.records.experts.claim, person.id, int(target))

    async def _answer(self, turn, person, action, target, value):
        return await asyncio.to_thread(self.records.experts.answer, person.id, int(target), value.get("answer", ""))

    async def _close(self, turn, person, action, target, value):
        return await asyncio.to_thread(self.records.experts.close, person.id, int(target))

    async def _show_section(self, turn, person, action, target, value):
        """"Show the whole section": the section behind an answer, verbatim."""
        reply = await asyncio.to_thread(self.conversation.section, str(target))
        for attachment in cards.reply_cards(reply):
            await turn.send_activity(MessageFactory.attachment(attachment))
        return None

    async def _start_signoff(self, turn, person, action, target, value):
        """"Request sign-off" under a competency: the form with that competency chosen."""
        comps = [(c.id, c.title) for c in self.records.framework.competencies.values()]
        await turn.send_activity(MessageFactory.attachment(cards.signoff_form(comps, selected=str(target))))
        return None

    # -- proactive delivery ----------------------------------------------------------------------------
    async def deliver(self, notes: list[Notification], use_fallback: bool = True) -> None:
        elsewhere: list[Notification] = []
        for note in notes:
            raw = await asyncio.to_thread(self.records.reference_of, note.person_id, "teams")
            if raw is None or self.adapter is None:
                elsewhere.append(note)
                continue
            reference = ConversationReference().deserialize(json.loads(raw))
            attachments = cards.notification_cards(note)

            async def send(turn: TurnContext, attachments=attachments):
                for attachment in attachments:
                    await turn.send_activity(MessageFactory.attachment(attachment))

            await self.adapter.continue_conversation(reference, send, self.app_id)
        if elsewhere and use_fallback and self.fallback is not None:
            await asyncio.to_thread(self.fallback, elsewhere, False)
        elif elsewhere:
            log.info("%d notification(s) for people without a Teams conversation were not delivered here", len(elsewhere))
