"""Adaptive Card rendering of neutral replies and notifications (translation only).

Text uses the markdown Teams renders (paragraphs separated by a blank line, "- " lists); outcomes and
warnings sit in tinted containers with default-coloured text, readable in Teams' light and dark
themes; nothing a person must act on is cut — a card that would pass Teams' message size is split
into several, each saying it is part n of m.
"""
from __future__ import annotations

import json
import re

from adapters.outcomes import WARNING, look
from adapters.textsplit import split_text
from bot.messages import Action, Notification, Reply, ReplyKind

from . import limits as L

TEXT_PIECE = 8000  # characters per TextBlock (evidence of 4,000 stays whole); longer texts become several
URL = re.compile(r"(?<![(\[])\bhttps?://[^\s<>()\[\]]+")
DEFAULT_VERSION = "1.4"
LIST_MARKS = ("• ", "- ", "* ")


def teams_text(text: str) -> str:
    """Neutral text as Teams markdown: each line its own paragraph (Teams joins lines split by a
    single newline into one), bulleted or indented lines as a "- " list, one item per line."""
    blocks: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped[:2] in LIST_MARKS or line.startswith("  "):
            items.append("- " + (stripped[2:] if stripped[:2] in LIST_MARKS else stripped))
        else:
            flush()
            blocks.append(stripped)
    flush()
    return URL.sub(lambda m: f"[{m.group(0)}]({m.group(0)})", "\n\n".join(blocks))  # links people can click


def text_blocks(text: str, **style) -> list[dict]:
    """Teams-markdown text as TextBlocks of at most TEXT_PIECE characters, split between paragraphs."""
    return [{"type": "TextBlock", "text": piece.strip("\n"), "wrap": True, **style}
            for piece in split_text(text, TEXT_PIECE) if piece.strip()]


def banner(text: str, style: str) -> dict:
    """A tinted container (good / warning / attention / emphasis) with bold default-coloured text."""
    return {"type": "Container", "style": style,
            "items": [{"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder"}]}


def _submit(a: Action) -> dict:
    return {"type": "Action.Submit", "title": a.label, "data": {"action": a.id, "value": a.value}}


def _content(body: list[dict], actions: list[Action], version: str) -> dict:
    content = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
               "version": version, "body": body}
    if actions:
        if len(actions) > L.ACTIONS.value:
            raise ValueError(f"{len(actions)} actions: Teams shows at most {L.ACTIONS.value} on a card")
        content["actions"] = [_submit(a) for a in actions]
    return content


def size(content: dict) -> int:
    return L.utf16_bytes(json.dumps(content, ensure_ascii=False))


def attachment(content: dict) -> dict:
    return {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}


def card(body: list[dict], actions: list[Action] | None = None, version: str = DEFAULT_VERSION) -> dict:
    """One card (for a message that must stay one, e.g. a card updated in place)."""
    return attachment(_content(body, list(actions or []), version))


def cards(body: list[dict], actions: list[Action] | None = None, inputs: list[dict] | None = None,
          version: str = DEFAULT_VERSION) -> list[dict]:
    """As many cards as the body needs inside Teams' message size; the inputs and buttons go on the
    last (a button submits the inputs of its own card)."""
    actions, inputs = list(actions or []), list(inputs or [])
    whole = _content(body + inputs, actions, version)
    if size(whole) <= L.CARD_BYTES.value:
        return [attachment(whole)]
    budget = L.CARD_BYTES.value - size(_content(inputs + [banner("Part 99 of 99", "emphasis")], actions, version))
    parts, current = [], []
    for element in body:
        if current and size(_content(current + [element], [], version)) > budget:
            parts.append(current)
            current = []
        current.append(element)
    parts.append(current)
    out = []
    for n, part in enumerate(parts, 1):
        note = {"type": "TextBlock", "text": f"Part {n} of {len(parts)}" + (" — continued in the next message"
                                                                           if n < len(parts) else ""),
                "wrap": True, "isSubtle": True, "size": "Small"}
        last = n == len(parts)
        out.append(attachment(_content([note, *part, *(inputs if last else [])], actions if last else [], version)))
    return out


# -- replies -----------------------------------------------------------------------------------------------
def _source(n: int, c) -> str:
    label = c.label().replace("[", "(").replace("]", ")")
    shown = f"[{label}]({c.url})" if c.url and c.url.startswith(("http://", "https://")) else label
    return f"**[{n}]** " + ("⚠️ " if c.overdue_review else "") + shown


def _quote(n: int, q) -> list[dict]:
    context = [{"type": "TextBlock", "text": q.context, "wrap": True, "isSubtle": True}] if q.context else []
    return context + text_blocks(teams_text(f"“{q.text}” **[{n}]**"))


def reply_body(reply: Reply) -> list[dict]:
    preface = [{"type": "TextBlock", "text": reply.preface, "wrap": True, "isSubtle": True}] if reply.preface else []
    if reply.kind is not ReplyKind.ANSWER:
        return preface + text_blocks(teams_text(reply.text))
    body = preface + [b for n, q in reply.numbered_quotes() for b in _quote(n, q)]
    body.append({"type": "TextBlock", "text": "Sources", "weight": "Bolder", "spacing": "Medium", "wrap": True})
    body += [{"type": "TextBlock", "text": _source(n, c), "wrap": True, "isSubtle": True, "size": "Small"}
             for n, c in enumerate(reply.citations, 1)]
    body += [banner(f"{WARNING.icon} {w}", WARNING.teams_style) for w in reply.warnings]
    return body


def reply_cards(reply: Reply) -> list[dict]:
    return cards(reply_body(reply), reply.actions)


# -- notifications -----------------------------------------------------------------------------------------
def _reason_input() -> dict:
    return {"type": "Input.Text", "id": "reason", "label": "Reason (needed to request changes or reject)",
            "placeholder": "What the trainee should do next", "isMultiline": True, "maxLength": 3000}


def _answer_input() -> dict:
    return {"type": "Input.Text", "id": "answer", "label": "Your answer", "placeholder": "Type your answer",
            "isMultiline": True, "maxLength": 6000}


# an action that needs an input shows it on the same card (the card submits its own inputs)
INPUTS = {"signoff_changes": _reason_input, "signoff_reject": _reason_input, "escalation_answer": _answer_input}


def notification_body(note: Notification) -> list[dict]:
    shown = look(note.outcome)
    head = [banner(f"{shown.icon} {shown.label}", shown.teams_style)] if shown else []
    return head + text_blocks(teams_text(note.text))


def notification_cards(note: Notification) -> list[dict]:
    inputs = list({INPUTS[a.id]: None for a in note.actions if a.id in INPUTS})
    return cards(notification_body(note), list(note.actions), [make() for make in inputs])


def decided_card(request: Notification, status: str | None, outcome: str) -> dict:
    """The assessor's card after a decision: the request whole (from the record) and the outcome in its
    own colour and icon; no buttons left to click. One card, because it replaces the original."""
    shown = look(status)
    line = f"{shown.icon} {shown.label} — {outcome}" if shown else outcome
    style = shown.teams_style if shown else "emphasis"
    return card(text_blocks(teams_text(request.text)) + [banner(line, style)])


def signoff_form(competencies: list[tuple[str, str]], selected: str | None = None) -> dict:
    """Request a sign-off: type-ahead competency list (style `filtered`, card version 1.5), mentor
    email, evidence and links; ``selected`` comes chosen ("Request sign-off" under a competency)."""
    choices = [{"title": f"{cid} {title}", "value": cid} for cid, title in competencies]
    chosen = {"value": selected} if any(c["value"] == selected for c in choices) else {}
    return card([
        {"type": "TextBlock", "text": "Request a competency sign-off", "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "Input.ChoiceSet", "id": "competency", "label": "Competency", "style": "filtered",
         "placeholder": "Type to search the framework", "isRequired": True, "errorMessage": "Choose a competency",
         "choices": choices, **chosen},
        {"type": "Input.Text", "id": "mentor", "label": "Mentor or assessor (email)", "style": "Email",
         "placeholder": "name@trust.nhs.uk", "isRequired": True, "errorMessage": "Give your mentor's email"},
        {"type": "Input.Text", "id": "evidence", "label": "Evidence", "isMultiline": True, "maxLength": 4000,
         "placeholder": "What you did, when, and who observed it"},
        {"type": "Input.Text", "id": "links", "label": "Links to the evidence (one per line, up to 10)",
         "isMultiline": True, "maxLength": 3000, "placeholder": "https://…"},
    ], [Action("signoff_submit", "Send request")], version="1.5")
