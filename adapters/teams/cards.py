"""Adaptive Card rendering of neutral replies and notifications (translation only)."""
from __future__ import annotations

import json

from bot.messages import Action, Notification, Reply, ReplyKind

CARD_LIMIT = 24_000  # Teams rejects cards much above ~28 KB: trim well below it
TEXT_LIMIT = 4000


def trim(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 12].rstrip() + "… (shortened)"


def _submit(a: Action) -> dict:
    return {"type": "Action.Submit", "title": a.label[:40], "data": {"action": a.id, "value": a.value}}


def card(body: list[dict], actions: list[Action] | None = None) -> dict:
    content = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
               "version": "1.4", "body": body, "actions": [_submit(a) for a in (actions or [])][:6]}
    while len(json.dumps(content)) > CARD_LIMIT and len(content["body"]) > 1:
        content["body"].pop()  # oversized: drop trailing blocks (citations last), keep the answer
    return {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}


def reply_card(reply: Reply) -> dict:
    if reply.kind is ReplyKind.ANSWER:
        body = [{"type": "TextBlock", "text": trim(f"“{q.text}”"), "wrap": True} for q in reply.quotes]
        body.append({"type": "TextBlock", "text": "Sources", "weight": "Bolder", "spacing": "Medium"})
        body += [{"type": "TextBlock", "text": trim(("⚠ " if c.overdue_review else "") + c.label(), 500),
                  "wrap": True, "isSubtle": True, "size": "Small"} for c in reply.citations]
        body += [{"type": "TextBlock", "text": trim("⚠ " + w, 500), "wrap": True, "color": "Warning"}
                 for w in reply.warnings]
    else:
        body = [{"type": "TextBlock", "text": trim(reply.text), "wrap": True}]
    return card(body, reply.actions)


def notification_card(note: Notification) -> dict:
    prefix = "signoff_" if note.kind == "signoff_requested" else ("escalation_" if note.kind.startswith("escalation") else "")
    actions = [Action(prefix + a.id, a.label, a.value) for a in note.actions]
    body = [{"type": "TextBlock", "text": trim(note.text), "wrap": True}]
    if note.kind == "signoff_requested":  # the reason box used by "Request changes" and "Reject"
        body.append({"type": "Input.Text", "id": "reason", "placeholder": "Reason (needed to request changes or reject)",
                     "isMultiline": True, "maxLength": 3000})
    if note.kind == "escalation_assigned":
        body.append({"type": "Input.Text", "id": "answer", "placeholder": "Your answer", "isMultiline": True,
                     "maxLength": 6000})
    return card(body, actions)


def decided_card(original: str, outcome: str) -> dict:
    return card([{"type": "TextBlock", "text": trim(original), "wrap": True},
                 {"type": "TextBlock", "text": trim(outcome, 500), "wrap": True, "weight": "Bolder", "color": "Good"}])


def signoff_form(competencies: list[tuple[str, str]]) -> dict:
    """Request a sign-off: searchable competency list, mentor email, evidence."""
    choices = [{"title": f"{cid} {title}", "value": cid} for cid, title in competencies]
    return card([
        {"type": "TextBlock", "text": "Request a competency sign-off", "weight": "Bolder", "size": "Medium"},
        {"type": "Input.ChoiceSet", "id": "competency", "label": "Competency", "style": "filtered",
         "isRequired": True, "errorMessage": "Choose a competency", "choices": choices},
        {"type": "Input.Text", "id": "mentor", "label": "Mentor or assessor (email)", "style": "Email",
         "isRequired": True, "errorMessage": "Give your mentor's email"},
        {"type": "Input.Text", "id": "evidence", "label": "Evidence (text and links)", "isMultiline": True,
         "maxLength": 4000},
    ], [Action("signoff_submit", "Send request")])
