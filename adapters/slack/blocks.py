"""Block Kit rendering of neutral replies and notifications (translation only, no behaviour)."""
from __future__ import annotations

from bot.messages import Action, Citation, Notification, Reply, ReplyKind

TEXT_LIMIT = 2900  # a section block's text may be 3,000 characters
MAX_BLOCKS = 50


def trim(text: str, limit: int = TEXT_LIMIT, more: str = "") -> str:
    if len(text) <= limit:
        return text
    tail = f"… (shortened{': ' + more if more else ''})"
    return text[: limit - len(tail)].rstrip() + tail


def _citation(c: Citation) -> str:
    label = c.label().replace("*", "")
    link = f"<{c.url}|{label}>" if c.url else label
    return ("⚠ " if c.overdue_review else "") + link


def _button(a: Action, style: str | None = None) -> dict:
    b = {"type": "button", "action_id": a.id, "text": {"type": "plain_text", "text": a.label[:75]}, "value": a.value[:2000]}
    if style:
        b["style"] = style
    return b


STYLES = {"approve": "primary", "reject": "danger", "feedback_helpful": "primary"}


def reply_blocks(reply: Reply) -> list[dict]:
    blocks: list[dict] = []
    if reply.kind is ReplyKind.ANSWER:
        sources = reply.citations[0].path if reply.citations else ""
        body = "\n".join(f"> {q.text}" for q in reply.quotes)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": trim(body, more=f"see {sources}")}})
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": trim(_citation(c), 300)}
                                                        for c in reply.citations[:10]]})
        for w in reply.warnings:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": trim(f"⚠ {w}", 300)}]})
    else:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": trim(reply.text)}})
    if reply.actions:
        blocks.append({"type": "actions", "elements": [_button(a, STYLES.get(a.id)) for a in reply.actions[:5]]})
    return blocks[:MAX_BLOCKS]


def fallback_text(reply: Reply) -> str:
    return trim(reply.text, 3000)


def notification_blocks(note: Notification) -> list[dict]:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": trim(note.text)}}]
    if note.actions:
        prefix = "signoff_" if note.kind == "signoff_requested" else ("escalation_" if note.kind.startswith("escalation") else "")
        buttons = [_button(Action(prefix + a.id, a.label, a.value), STYLES.get(a.id)) for a in note.actions[:5]]
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def decided_blocks(original_text: str, outcome: str) -> list[dict]:
    """The mentor's DM after a decision: the request, then who decided — no buttons left to click."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": trim(original_text)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": trim(outcome, 300)}]}]


def reason_modal(callback_id: str, title: str, metadata: str, label: str = "Reason") -> dict:
    return {"type": "modal", "callback_id": callback_id, "private_metadata": metadata,
            "title": {"type": "plain_text", "text": title[:24]}, "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "input", "block_id": "reason", "label": {"type": "plain_text", "text": label},
                        "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                                    "max_length": 3000}}]}


def signoff_modal(competencies: list[tuple[str, str]], metadata: str = "") -> dict:
    options = [{"text": {"type": "plain_text", "text": f"{cid} {title}"[:75]}, "value": cid}
               for cid, title in competencies[:100]]
    return {"type": "modal", "callback_id": "signoff_request", "private_metadata": metadata,
            "title": {"type": "plain_text", "text": "Request sign-off"}, "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [
                {"type": "input", "block_id": "competency", "label": {"type": "plain_text", "text": "Competency"},
                 "element": {"type": "static_select", "action_id": "value", "options": options,
                             "placeholder": {"type": "plain_text", "text": "Type to search the framework"}}},
                {"type": "input", "block_id": "mentor", "label": {"type": "plain_text", "text": "Mentor or assessor"},
                 "element": {"type": "users_select", "action_id": "value"}},
                {"type": "input", "block_id": "evidence", "optional": True,
                 "label": {"type": "plain_text", "text": "Evidence (text and links)"},
                 "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 4000}},
            ]}


def home_view(sections: list[tuple[str, str]]) -> dict:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "TechServ Assistant"}}]
    for title, text in sections:
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{trim(text, 2800)}"}},
                   {"type": "divider"}]
    return {"type": "home", "blocks": blocks[:100]}
