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
from bot.records.passport import render_text

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
                       channel=activity.conversation.id, thread=activity.reply_to_id, event_id=activity.id)
        replies = await asyncio.to_thread(self.conversation.handle, msg)
        for reply in replies:
            await turn.send_activity(MessageFactory.attachment(cards.reply_card(reply)))
            await self.deliver(reply.notifications)

    async def on_card_action(self, turn: TurnContext, person, value: dict) -> None:
        action, target = value.get("action", ""), value.get("value", "")
        records = self.records
        if action == "signoff_submit":
            evidence = (value.get("evidence") or "").split()
            links = [w for w in evidence if w.startswith(("http://", "https://"))]
            out = await asyncio.to_thread(records.signoffs.request, person.id, value.get("competency", ""),
                                          value.get("mentor", ""), " ".join(w for w in evidence if w not in links),
                                          links, "teams")
        elif action in ("signoff_approve", "signoff_changes", "signoff_reject"):
            decision = action.split("_", 1)[1]
            out = await asyncio.to_thread(records.signoffs.decide, person.id, int(target), decision,
                                          value.get("reason", ""), "teams", turn.activity.id)
            if out.ok and turn.activity.reply_to_id:
                updated = MessageFactory.attachment(cards.decided_card(f"SO-{target}", out.message))
                updated.id = turn.activity.reply_to_id
                await turn.update_activity(updated)
        elif action in ("feedback_helpful", "feedback_not_helpful") and str(target).isdigit():
            out = await asyncio.to_thread(records.feedback.rate, person.id, int(target), action == "feedback_helpful")
        elif action == "ask_expert":
            origin = {"platform": "teams", "person_id": person.id}
            out = await asyncio.to_thread(escalate, self.conversation, person.id, target, origin)
        elif action == "escalation_claim":
            out = await asyncio.to_thread(records.experts.claim, person.id, int(target))
        elif action == "escalation_answer":
            out = await asyncio.to_thread(records.experts.answer, person.id, int(target), value.get("answer", ""))
        elif action == "escalation_close":
            out = await asyncio.to_thread(records.experts.close, person.id, int(target))
        elif action == "passport":
            text = await asyncio.to_thread(lambda: render_text(records.passport(person.id)))
            await turn.send_activity(MessageFactory.attachment(cards.card([{"type": "TextBlock", "text": text,
                                                                            "wrap": True, "fontType": "Monospace"}])))
            return
        else:
            await turn.send_activity("That button is not recognised any more; please try again.")
            return
        await turn.send_activity(out.message)
        await self.deliver(out.notifications)

    # -- proactive delivery ----------------------------------------------------------------------------
    async def deliver(self, notes: list[Notification], use_fallback: bool = True) -> None:
        elsewhere: list[Notification] = []
        for note in notes:
            raw = await asyncio.to_thread(self.records.reference_of, note.person_id, "teams")
            if raw is None or self.adapter is None:
                elsewhere.append(note)
                continue
            reference = ConversationReference().deserialize(json.loads(raw))
            attachment = cards.notification_card(note)

            async def send(turn: TurnContext, attachment=attachment):
                await turn.send_activity(MessageFactory.attachment(attachment))

            await self.adapter.continue_conversation(reference, send, self.app_id)
        if elsewhere and use_fallback and self.fallback is not None:
            await asyncio.to_thread(self.fallback, elsewhere, False)
        elif elsewhere:
            log.info("%d notification(s) for people without a Teams conversation were not delivered here", len(elsewhere))
