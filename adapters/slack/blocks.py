"""Block Kit rendering of neutral replies and notifications (translation only, no behaviour).

Every text from documents, users and records is escaped (``mrkdwn.escape``); every size follows
``limits``. Nothing a person must act on is cut: long text is split over several section blocks and,
past a message's block limit, over several messages, each saying it is part n of m.
"""
from __future__ import annotations

import json

from adapters.outcomes import WARNING, look
from adapters.textsplit import split_text
from bot.messages import Action, Notification, Reply, ReplyKind

from . import limits as L
from .mrkdwn import escape, link

STYLES = {"signoff_approve": "primary", "signoff_reject": "danger", "feedback_helpful": "primary"}
Message = dict  # {"text": fallback, "blocks": [...]}


# -- building blocks ---------------------------------------------------------------------------------------
def sections(mrkdwn: str) -> list[dict]:
    """Already-escaped mrkdwn as as many section blocks as it needs."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}}
            for part in split_text(mrkdwn, L.SECTION_TEXT.value) if part.strip()]


def code_sections(text: str) -> list[dict]:
    """Plain text (e.g. the passport) kept in columns: each section one ``` block."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": f"```{part}```"}}
            for part in split_text(escape(text), L.SECTION_TEXT.value - 6) if part.strip()]


def context(texts: list[str]) -> list[dict]:
    """Context blocks of at most 10 elements, each text within the text-object limit."""
    parts = [p for t in texts for p in split_text(t, L.CONTEXT_TEXT.value)]
    step = L.CONTEXT_ELEMENTS.value
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in parts[i:i + step]]}
            for i in range(0, len(parts), step)]


def button(a: Action) -> dict:
    b = {"type": "button", "action_id": a.id, "value": a.value,
         "text": {"type": "plain_text", "text": a.label[:L.BUTTON_TEXT.value]}}
    if len(a.value) > L.BUTTON_VALUE.value:
        raise ValueError(f"button {a.id}: value of {len(a.value)} characters is over Slack's {L.BUTTON_VALUE.value}")
    if a.id in STYLES:
        b["style"] = STYLES[a.id]
    return b


def actions(items: list[Action] | tuple[Action, ...]) -> list[dict]:
    step = L.ACTIONS_ELEMENTS.value
    return [{"type": "actions", "elements": [button(a) for a in items[i:i + step]]} for i in range(0, len(items), step)]


def fallback(text: str) -> str:
    """The message's top-level text (notifications, screen readers): the whole text when it fits."""
    text = escape(text)
    limit = L.MESSAGE_TEXT.value
    return text if len(text) <= limit else text[: limit - 40] + " … (the rest is in the message)"


def messages(blocks: list[dict], text: str) -> list[Message]:
    """One message, or several when the blocks exceed a message's limit (buttons stay on the last)."""
    per = L.MESSAGE_BLOCKS.value - 1  # room for the "part n of m" note
    if len(blocks) <= L.MESSAGE_BLOCKS.value:
        return [{"text": fallback(text), "blocks": blocks}]
    chunks = [blocks[i:i + per] for i in range(0, len(blocks), per)]
    out = []
    for n, chunk in enumerate(chunks, 1):
        note = context([f"Part {n} of {len(chunks)}" + (" — continued in the next message" if n < len(chunks) else "")])
        out.append({"text": fallback(text) if n == 1 else f"Part {n} of {len(chunks)}", "blocks": chunk + note})
    return out


def metadata(**values) -> str:
    """A view's private_metadata, bounded as Slack counts it: after JSON encoding."""
    encoded = json.dumps(values)
    if len(encoded) > L.PRIVATE_METADATA.value:
        raise ValueError(f"private_metadata is {len(encoded)} characters; Slack allows {L.PRIVATE_METADATA.value}")
    return encoded


# -- replies and notifications -----------------------------------------------------------------------------
def _quote(n: int, q) -> str:
    """A quote as a block quote (every line of a list too), its context in italics above it."""
    lines = [f"> {escape(line)}" for line in q.text.split("\n") if line.strip()]
    lines[-1] += f" *[{n}]*"
    return (f"_{escape(q.context)}_\n" if q.context else "") + "\n".join(lines)


def reply_blocks(reply: Reply) -> list[dict]:
    blocks: list[dict] = context([f"_{escape(reply.preface)}_"]) if reply.preface else []
    if reply.kind is ReplyKind.ANSWER:
        quotes = "\n".join(_quote(n, q) for n, q in reply.numbered_quotes())
        blocks += sections(quotes)
        blocks += context([f"*[{n}]* " + ("⚠️ " if c.overdue_review else "") + link(c.url, c.label())
                           for n, c in enumerate(reply.citations, 1)])
        blocks += context([f"{WARNING.icon} {escape(w)}" for w in reply.warnings])
    else:
        blocks += sections(escape(reply.text))
    return blocks + actions(reply.actions)


def reply_messages(reply: Reply) -> list[Message]:
    return messages(reply_blocks(reply), reply.text)


def text_messages(text: str, code: bool = False) -> list[Message]:
    """A plain reply (e.g. `/passport` in columns), whole, over as many messages as it needs."""
    return messages(code_sections(text) if code else sections(escape(text)), text)


def notification_blocks(note: Notification, with_actions: bool = True) -> list[dict]:
    shown = look(note.outcome)
    text = escape(note.text)
    if shown is not None:
        text = f"{shown.icon} *{shown.label}* — {text}"
    return sections(text) + (actions(note.actions) if with_actions else [])


def notification_messages(note: Notification) -> list[Message]:
    return messages(notification_blocks(note), note.text)


def decided_blocks(request: Notification, status: str | None, outcome: str) -> list[dict]:
    """The assessor's request message after a decision: the request whole (from the record), then the
    outcome with its own icon — and no buttons left to click."""
    shown = look(status)
    line = f"{shown.icon} *{shown.label}* — {escape(outcome)}" if shown else escape(outcome)
    return notification_blocks(request, with_actions=False) + context([line])


# -- views -------------------------------------------------------------------------------------------------
def _input(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
             "element": element, "optional": optional}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _text_input(max_length: int = L.PLAIN_TEXT_INPUT_MAX.value, placeholder: str | None = None) -> dict:
    el = {"type": "plain_text_input", "action_id": "value", "multiline": True,
          "max_length": min(max_length, L.PLAIN_TEXT_INPUT_MAX.value)}
    if placeholder:
        el["placeholder"] = {"type": "plain_text", "text": placeholder[:L.PLACEHOLDER.value]}
    return el


def _modal(callback_id: str, title: str, blocks: list[dict], meta: str = "", submit: str = "Send") -> dict:
    return {"type": "modal", "callback_id": callback_id, "private_metadata": meta,
            "title": {"type": "plain_text", "text": title[:L.MODAL_TITLE.value]},
            "submit": {"type": "plain_text", "text": submit}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": blocks}


def reason_modal(callback_id: str, title: str, meta: str, label: str = "Reason") -> dict:
    return _modal(callback_id, title, [_input("reason", label, _text_input())], meta)


def answer_modal(meta: str, question: str = "") -> dict:
    """The expert's answer: two boxes, because one Slack box holds 3,000 characters and an answer may
    have 6,000 (MAX_ANSWER_CHARS); the second is optional and joined to the first."""
    blocks = sections(f"*Question*\n{escape(question)}") if question else []
    blocks += [_input("reason", "Your answer", _text_input()),
               _input("more", "Your answer, continued (optional)", _text_input(), optional=True,
                      hint="Slack holds 3,000 characters in one box; go on here if you need more.")]
    return _modal("escalation_answer", "Answer the question", blocks, meta)


def signoff_modal(competencies: list[tuple[str, str]], meta: str = "", selected: str | None = None) -> dict:
    options = [{"text": {"type": "plain_text", "text": f"{cid} {title}"[:L.OPTION_TEXT.value]}, "value": cid}
               for cid, title in competencies]
    select = {"type": "static_select", "action_id": "value", "options": options,
              "placeholder": {"type": "plain_text", "text": "Type to search the framework"}}
    chosen = next((o for o in options if o["value"] == selected), None)
    if chosen:  # "Request sign-off" under a competency's description opens the form with it chosen
        select["initial_option"] = chosen
    step = L.SELECT_OPTIONS.value
    if len(options) > step:  # a static_select takes 100 options: group the rest rather than drop them
        del select["options"]
        select["option_groups"] = [{"label": {"type": "plain_text", "text": f"{chunk[0]['value']} – {chunk[-1]['value']}"},
                                    "options": chunk} for chunk in (options[i:i + step] for i in range(0, len(options), step))]
    return _modal("signoff_request", "Request sign-off", [
        _input("competency", "Competency", select),
        _input("mentor", "Mentor or assessor", {"type": "users_select", "action_id": "value"}),
        _input("evidence", "Evidence", _text_input(placeholder="What you did, when, and who observed it"),
               optional=True, hint="Up to 3,000 characters here (Slack's limit for one box); link longer records below."),
        _input("links", "Links to the evidence (one per line, up to 10)", _text_input(), optional=True),
    ], meta)


def home_view(sections_: list[tuple[str, list[dict]]], more: str) -> dict:
    """App Home: titled sections of blocks, inside the 100-block limit; what does not fit is named
    with where to read it (``more``), never silently left out."""
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "TechServ Assistant"}}]
    budget = L.VIEW_BLOCKS.value - 1
    for title, body in sections_:
        group = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(title)}*"}}, *body, {"type": "divider"}]
        if len(blocks) + len(group) > budget:
            room = budget - len(blocks) - 2
            if room > 0:
                blocks += group[:room]
            blocks += context([f"The rest does not fit on this page: {more}"])
            break
        blocks += group
    return {"type": "home", "blocks": blocks}
