"""The Slack app: Bolt listeners that translate to and from the conversation core.

Every listener acks first; answering and database work run after the ack (Bolt runs listeners in
its thread pool when ``process_before_response`` is False), so Slack always gets its reply in 3 s.
"""
from __future__ import annotations

import json
import logging
import re

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.conversation import Conversation
from bot.experts.commands import escalate
from bot.messages import Action, Incoming, Notification
from bot.records.passport import render_text

from . import blocks as bk

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]+)?>")
UNKNOWN_USER = ("Hello! I don't know you yet, so I can't answer or keep training records for you. "
                "Please ask your training lead to add you to TechServ Assistant.")


class SlackAdapter:
    def __init__(self, conversation: Conversation, *, token: str, signing_secret: str | None = None,
                 client: WebClient | None = None, team_id: str | None = None):
        if conversation.records is None:
            raise ValueError("the Slack adapter needs training records (a database)")
        self.conversation = conversation
        self.records = conversation.records
        self.team_id = team_id
        client = client or WebClient(token=token)
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))  # honours Retry-After
        self.client = client
        # where notifications for people without a Slack account go (e.g. the Teams adapter); set by the runner
        self.fallback = None
        self.app = App(token=token, signing_secret=signing_secret, client=client, process_before_response=False,
                       request_verification_enabled=signing_secret is not None)
        self._register()

    # -- identity and delivery ----------------------------------------------------------------------
    def _allowed_team(self, team: str | None) -> bool:
        if self.team_id and team != self.team_id:
            log.warning("refused a request from Slack workspace %s (this app is installed in %s)", team, self.team_id)
            return False
        return True

    def person(self, team: str, user: str):
        person = self.records.person_for(Incoming(text="", user_id=f"{team}:{user}", platform="slack"))
        if person is not None:
            return person
        try:  # first contact: match the Slack profile's email to a registered person
            profile = self.client.users_info(user=user)["user"]["profile"]
        except Exception:  # noqa: BLE001 — the user is simply not matched
            log.exception("users.info failed for %s", user)
            return None
        email = profile.get("email")
        return self.records.link_by_email("slack", team, user, email) if email else None

    def deliver(self, notes: list[Notification], use_fallback: bool = True) -> None:
        elsewhere: list[Notification] = []
        for note in notes:
            origin = note.origin or {}
            if origin.get("platform") == "slack" and origin.get("channel"):
                self._post(bk.notification_messages(note), origin["channel"], origin.get("thread"))
                continue
            ident = self.records.identity_of(note.person_id, "slack")
            if ident is None:
                elsewhere.append(note)
                continue
            self._post(bk.notification_messages(note), ident[1])
        if elsewhere and use_fallback and self.fallback is not None:
            self.fallback(elsewhere)
        elif elsewhere:
            log.info("%d notification(s) for people without a Slack account were not delivered here", len(elsewhere))

    def _post(self, messages: list[dict], channel: str, thread: str | None = None) -> None:
        for m in messages:
            self.client.chat_postMessage(channel=channel, thread_ts=thread, text=m["text"], blocks=m["blocks"])

    def _ephemeral(self, channel: str | None, user: str, text: str, code: bool = False) -> None:
        """A private reply, whole: split over several messages when it is long (e.g. the passport)."""
        for m in bk.text_messages(text, code):
            if channel:
                self.client.chat_postEphemeral(channel=channel, user=user, text=m["text"], blocks=m["blocks"])
            else:
                self.client.chat_postMessage(channel=user, text=m["text"], blocks=m["blocks"])

    # -- questions ----------------------------------------------------------------------------------
    def answer_message(self, team: str, user: str, text: str, channel: str, thread: str | None,
                       event_id: str | None, ts: str | None = None) -> None:
        if event_id and not self.records.first_delivery("slack", event_id):
            log.info("duplicate Slack delivery %s ignored", event_id)
            return
        person = self.person(team, user)
        if person is None:
            self.client.chat_postMessage(channel=channel, thread_ts=thread, text=UNKNOWN_USER)
            return
        msg = Incoming(text=text, user_id=f"{team}:{user}", platform="slack", channel=channel, thread=thread,
                       event_id=event_id, message_id=ts)
        for reply in self.conversation.handle(msg):
            self._post(bk.reply_messages(reply), channel, thread)
            self.deliver(reply.notifications)

    def _register(self) -> None:
        app = self.app

        @app.event("app_mention")
        def on_mention(event, body):
            if not self._allowed_team(body.get("team_id")):
                return
            text = MENTION.sub("", event.get("text", "")).strip()
            self.answer_message(body.get("team_id"), event["user"], text, event["channel"],
                                event.get("thread_ts") or event["ts"], body.get("event_id"))

        @app.event("message")
        def on_message(event, body):
            if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
                return  # channel chatter, edits and bot messages are not questions
            if not self._allowed_team(body.get("team_id")):
                return
            self.answer_message(body.get("team_id"), event["user"], event.get("text", ""), event["channel"],
                                event.get("thread_ts"), body.get("event_id"), event.get("ts"))

        @app.command("/ask")
        def on_ask(ack, command):
            ack()
            if not self._allowed_team(command.get("team_id")):
                return
            self.answer_message(command["team_id"], command["user_id"], command.get("text", ""),
                                command["channel_id"], None, None)

        @app.command("/passport")
        def on_passport(ack, command):
            ack()
            person = self.person(command["team_id"], command["user_id"]) if self._allowed_team(command.get("team_id")) else None
            text = render_text(self.records.passport(person.id)) if person else UNKNOWN_USER
            self._ephemeral(command["channel_id"], command["user_id"], text, code=person is not None)

        @app.command("/signoff")
        def on_signoff(ack, command, client):
            ack()
            if not self._allowed_team(command.get("team_id")):
                return
            if command.get("text", "").strip():  # typed: `/signoff ASP-01 mentor@trust.nhs.uk evidence…`
                person = self.person(command["team_id"], command["user_id"])
                if person is None:
                    self._ephemeral(command["channel_id"], command["user_id"], UNKNOWN_USER)
                    return
                msg = Incoming(text="/signoff " + command["text"], user_id=f"{command['team_id']}:{command['user_id']}",
                               platform="slack", channel=command["channel_id"])
                for reply in self.conversation.handle(msg):
                    self._ephemeral(command["channel_id"], command["user_id"], reply.text)
                    self.deliver(reply.notifications)
                return
            comps = [(c.id, c.title) for c in self.records.framework.competencies.values()]
            client.views_open(trigger_id=command["trigger_id"],
                              view=bk.signoff_modal(comps, bk.metadata(channel=command["channel_id"])))

        @app.view("signoff_request")
        def on_signoff_submit(ack, body, view):
            ack()
            team, user = body["team"]["id"], body["user"]["id"]
            values = view["state"]["values"]
            competency = values["competency"]["value"]["selected_option"]["value"]
            mentor_user = values["mentor"]["value"]["selected_user"]
            evidence = (values["evidence"]["value"].get("value") or "") + "\n" + (
                (values.get("links") or {}).get("value", {}).get("value") or "")
            trainee, mentor = self.person(team, user), self.person(team, mentor_user)
            if trainee is None:
                self._ephemeral(None, user, UNKNOWN_USER)
                return
            if mentor is None:
                self._ephemeral(None, user, "That person is not registered in TechServ Assistant yet, so they can't "
                                            "sign off competencies. Pick another mentor or ask your training lead.")
                return
            links = [w for w in evidence.split() if w.startswith(("http://", "https://"))]
            text = " ".join(w for w in evidence.split() if w not in links)
            out = self.records.signoffs.request(trainee.id, competency, mentor.email, text, links, platform="slack")
            self._ephemeral(None, user, out.message)
            self.deliver(out.notifications)

        def decide(body, decision: str, reason: str, request_id: int, channel: str | None, ts: str | None,
                   event_key: str):
            team, user = body["team"]["id"], body["user"]["id"]
            if not self._allowed_team(team):
                self._ephemeral(channel, user, "This request belongs to another Slack workspace.")
                return
            person = self.person(team, user)
            if person is None:
                self._ephemeral(channel, user, UNKNOWN_USER)
                return
            out = self.records.signoffs.decide(person.id, request_id, decision, reason, platform="slack",
                                               event_id=event_key)
            if out.ok and channel and ts and not out.message.startswith("Already recorded"):
                request = self.records.signoffs.request_note(person.id, request_id)
                if request.ok:  # the request whole, from the record, with this decision's own icon
                    self.client.chat_update(channel=channel, ts=ts, text=bk.fallback(out.message),
                                            blocks=bk.decided_blocks(request.notifications[0], out.status, out.message))
            self._ephemeral(channel, user, out.message)
            self.deliver(out.notifications)

        def on_approve(ack, body, action):
            ack()
            msg = body.get("message", {})
            decide(body, "approve", "", int(action["value"]), body.get("channel", {}).get("id"), msg.get("ts"),
                   f"{body['team']['id']}:{action['action_ts']}")

        def on_needs_reason(ack, body, action, client):
            ack()
            msg = body.get("message", {})
            decision = action["action_id"].split("_", 1)[1]
            meta = bk.metadata(request_id=int(action["value"]), decision=decision,
                               channel=body.get("channel", {}).get("id"), ts=msg.get("ts"))
            title = "Request changes" if decision == "changes" else "Not yet competent"
            client.views_open(trigger_id=body["trigger_id"], view=bk.reason_modal("signoff_reason", title, meta))

        def on_open(ack, body, action):
            """A reminder's "Open SO-n": the request whole, with its decision buttons while it waits."""
            ack()
            user, channel = body["user"]["id"], body.get("channel", {}).get("id")
            person = self.person(body["team"]["id"], user) if self._allowed_team(body["team"]["id"]) else None
            if person is None:
                self._ephemeral(channel, user, UNKNOWN_USER)
                return
            out = self.records.signoffs.request_note(person.id, int(action["value"]))
            if not out.ok:
                self._ephemeral(channel, user, out.message)
                return
            self._post(bk.notification_messages(out.notifications[0]), channel or user)

        @app.view("signoff_reason")
        def on_reason(ack, body, view):
            ack()
            meta = json.loads(view["private_metadata"])
            reason = view["state"]["values"]["reason"]["value"]["value"] or ""
            decide(body, meta["decision"], reason, meta["request_id"], meta["channel"], meta["ts"],
                   f"{body['team']['id']}:view:{view['id']}")

        def on_feedback(ack, body, action):
            ack()
            person = self.person(body["team"]["id"], body["user"]["id"])
            if person is None or not action.get("value", "").isdigit():
                return
            out = self.records.feedback.rate(person.id, int(action["value"]), action["action_id"] == "feedback_helpful")
            self._ephemeral(body.get("channel", {}).get("id"), body["user"]["id"], out.message)

        def on_ask_expert(ack, body, action):
            ack()
            team, user = body["team"]["id"], body["user"]["id"]
            person = self.person(team, user)
            if person is None:
                self._ephemeral(body.get("channel", {}).get("id"), user, UNKNOWN_USER)
                return
            msg = body.get("message", {})
            channel = body.get("channel", {}).get("id")
            origin = {"platform": "slack", "channel": channel, "thread": msg.get("thread_ts") or msg.get("ts")}
            out = escalate(self.conversation, person.id, action["value"], origin)
            self._post(bk.text_messages(out.message), channel, origin["thread"])
            self.deliver(out.notifications)

        def on_record_button(ack, body, action):
            """Claim, publish and close: one service call with the clicker and the id, answered privately."""
            ack()
            person = self.person(body["team"]["id"], body["user"]["id"])
            if person is None:
                return
            out = record_buttons[action["action_id"]](person.id, int(action["value"]))
            self._ephemeral(body.get("channel", {}).get("id"), body["user"]["id"], out.message)
            self.deliver(out.notifications)

        record_buttons = {"escalation_claim": self.records.experts.claim,
                          "escalation_publish": self.records.verified.publish,
                          "escalation_close": self.records.experts.close}

        def on_answer_button(ack, body, action, client):
            ack()
            client.views_open(trigger_id=body["trigger_id"],
                              view=bk.answer_modal(bk.metadata(escalation_id=int(action["value"]))))

        def on_show_section(ack, body, action):
            """"Show the whole section": the section behind an answer, verbatim, in the answer's thread."""
            ack()
            msg, channel = body.get("message", {}), body.get("channel", {}).get("id")
            reply = self.conversation.section(action["value"])
            self._post(bk.reply_messages(reply), channel or body["user"]["id"], msg.get("thread_ts") or msg.get("ts"))

        def on_signoff_start(ack, body, action, client):
            """"Request sign-off" under a competency: the sign-off form with that competency chosen."""
            ack()
            comps = [(c.id, c.title) for c in self.records.framework.competencies.values()]
            client.views_open(trigger_id=body["trigger_id"],
                              view=bk.signoff_modal(comps, bk.metadata(channel=body.get("channel", {}).get("id")),
                                                    selected=action["value"]))

        # every button the renderers can emit, and the listener for it (tests/adapters/slack/test_actions.py)
        self.actions = {"signoff_approve": on_approve, "signoff_changes": on_needs_reason, "signoff_reject": on_needs_reason,
                        "signoff_open": on_open, "feedback_helpful": on_feedback, "feedback_not_helpful": on_feedback,
                        "ask_expert": on_ask_expert, "escalation_answer": on_answer_button,
                        "show_section": on_show_section, "signoff_start": on_signoff_start,
                        **{aid: on_record_button for aid in record_buttons}}
        for action_id, listener in self.actions.items():
            app.action(action_id)(listener)

        @app.view("escalation_answer")
        def on_answer(ack, body, view):
            ack()
            person = self.person(body["team"]["id"], body["user"]["id"])
            if person is None:
                return
            esc = json.loads(view["private_metadata"])["escalation_id"]
            values = view["state"]["values"]
            parts = [values["reason"]["value"].get("value") or "", (values.get("more") or {}).get("value", {}).get("value") or ""]
            out = self.records.experts.answer(person.id, esc, "\n\n".join(p.strip() for p in parts if p and p.strip()))
            publish = [Action("escalation_publish", "Publish as verified answer", str(esc))] if out.ok else []
            self._post(bk.messages(bk.sections(bk.escape(out.message)) + bk.actions(publish), out.message),
                       body["user"]["id"])
            self.deliver(out.notifications)

        @app.event("app_home_opened")
        def on_home(event, body):
            team, user = body.get("team_id"), event["user"]
            person = self.person(team, user) if self._allowed_team(team) else None
            if person is None:
                sections = [("Welcome", bk.sections(bk.escape(UNKNOWN_USER)))]
            else:
                pending = self.records.signoffs.pending(person.id)
                escalations = self.records.experts.assigned(person.id)
                waiting = [{"type": "section", "text": {"type": "mrkdwn", "text": bk.escape(
                    f"SO-{r.id} {r.competency_id} {r.competency_title} — {r.trainee.name}")},
                    "accessory": bk.button(Action("signoff_open", "Open", str(r.id)))} for r in pending]
                assigned = [b for e in escalations for b in bk.sections(bk.escape(
                    f"E-{e.id} [{e.status}] {e.question}\nClaim by {e.deadline_at:%Y-%m-%d %H:%M} UTC"))]
                sections = [
                    ("Sign-offs waiting for your decision", waiting or bk.sections("None.")),
                    ("Escalations assigned to you", assigned or bk.sections("None.")),
                    ("Your skills passport and training plan", bk.code_sections(render_text(self.records.passport(person.id)))),
                ]
            more = "type `/passport` for the whole passport, `/pending` and `my escalations` for the lists."
            self.client.views_publish(user_id=user, view=bk.home_view(sections, more))

