"""Every Slack message, modal and App Home view the bot can send (the gallery: real replies and
notifications, the longest texts, the full framework) parses with slack_sdk.models, stays inside
Slack's documented limits, escapes what documents and people wrote, and cuts nothing."""
import json
import re

from adapters.slack import blocks as bk
from adapters.slack import limits as L
from adapters.slack.mrkdwn import unescape
from bot.records.passport import render_text  # noqa: F401  (the passport text is in the gallery)
from tests.adapters.gallery import LINKS

from .blockkit import block_problems, view_problems

LINK = re.compile(r"<(https?://[^|<>\s]+)\|([^<>]*)>")
ENTITY = re.compile(r"&(amp|lt|gt);")


def every_message(gallery) -> list[tuple[str, dict]]:
    out = [(f"reply:{k}:{i}", m) for k, r in gallery.replies.items() for i, m in enumerate(bk.reply_messages(r))]
    out += [(f"note:{k}:{i}", m) for k, n in gallery.notifications.items()
            for i, m in enumerate(bk.notification_messages(n))]
    out += [(f"decided:{k}", {"text": bk.fallback(v[2]), "blocks": bk.decided_blocks(*v)}) for k, v in gallery.decided.items()]
    out += [(f"passport:{i}", m) for i, m in enumerate(bk.text_messages(gallery.home["tara"]["passport"], code=True))]
    return out


def every_view(gallery) -> list[tuple[str, dict]]:
    passport = bk.code_sections(gallery.home["tara"]["passport"])
    return [("signoff_modal", bk.signoff_modal(gallery.competencies, bk.metadata(channel="C123"))),
            ("reason_modal", bk.reason_modal("signoff_reason", "Not yet competent",
                                             bk.metadata(request_id=1, decision="reject", channel="D1", ts="1.2"))),
            ("answer_modal", bk.answer_modal(bk.metadata(escalation_id=1), gallery.notifications["escalation_assigned_long"].text)),
            ("home", bk.home_view([("Your skills passport and training plan", passport)], "type `/passport`")),
            ("home_overflow", bk.home_view([("Passport", passport * 40)], "type `/passport` for the whole passport"))]


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    out = []
    for b in blocks:
        if b.get("type") == "section" and b.get("text", {}).get("type") == "mrkdwn":
            out.append(b["text"]["text"])
        if b.get("type") == "context":
            out += [e["text"] for e in b["elements"] if e.get("type") == "mrkdwn"]
    return out


def shown(messages: list[dict]) -> str:
    """What a person reads: the blocks' text, entities decoded, words only."""
    text = " ".join(re.sub(r"(?m)^> ", "", t) for m in messages for t in mrkdwn_texts(m["blocks"]))  # quote marks
    text = LINK.sub(lambda m: m.group(2), text).replace("```", " ").replace("*", "")
    return " ".join(unescape(text).replace("•", " ").split())


def words(text: str) -> str:
    return " ".join(w for w in text.replace("•", " ").replace("*", "").split())


def test_every_message_parses_and_stays_within_slacks_limits(gallery):
    found = {name: p for name, m in every_message(gallery) if (p := block_problems(m["blocks"]) +
                                                                (["text over the limit"] if len(m["text"]) > L.MESSAGE_TEXT.value else []))}
    assert not found, json.dumps(found, indent=1)[:4000]


def test_every_view_parses_and_stays_within_slacks_limits(gallery):
    found = {name: p for name, v in every_view(gallery) if (p := view_problems(v))}
    assert not found, json.dumps(found, indent=1)[:4000]


def test_document_and_user_text_is_escaped_and_links_are_safe(gallery):
    for name, m in every_message(gallery):
        for text in mrkdwn_texts(m["blocks"]) + [m["text"]]:
            rest = LINK.sub("", text)
            assert "<" not in rest and ">" not in rest.replace("\n> ", "\n").removeprefix("> "), (name, text[:300])
            assert not re.search(r"&(?!amp;|lt;|gt;)", rest), (name, text[:300])
    special = bk.reply_blocks(gallery.replies["answer_special_text"])
    body = special[0]["text"]["text"]
    assert "USP &lt;800&gt;" in body and "&amp; at once" in body and "<!channel>" not in body
    [(url, label)] = [m.groups() for t in mrkdwn_texts(special) for m in LINK.finditer(t)]
    assert url == "https://intranet.example.nhs.uk/docs/cytotoxic-gloves?section=gloves&amp;v=3.1"
    assert "Cytotoxic gloves &amp; gowns" in label and "&gt;" in label  # the nested section no longer ends the link
    request = bk.notification_blocks(gallery.notifications["signoff_requested_special"])[0]["text"]["text"]
    assert "&lt;!channel&gt; USP &lt;800&gt; &amp; ANTT" in request and "<!channel>" not in request


def test_nothing_a_person_must_act_on_is_cut(gallery):
    for key, note in gallery.notifications.items():
        assert words(note.text) in shown(bk.notification_messages(note)), key
    for key, reply in gallery.replies.items():
        text = shown(bk.reply_messages(reply))
        assert all(words(q.text) in text for q in reply.quotes) if reply.quotes else words(reply.text) in text, key
    long_request = shown(bk.notification_messages(gallery.notifications["signoff_requested_long"]))
    assert all(link in long_request for link in LINKS)
    assert "Please claim by" in shown(bk.notification_messages(gallery.notifications["escalation_assigned_long"]))
    assert "close E-1" in shown(bk.notification_messages(gallery.notifications["escalation_answered_long"]))
    passport = gallery.home["tara"]["passport"]
    assert words(passport) in shown(bk.text_messages(passport, code=True))


def test_home_view_says_what_does_not_fit_and_where_to_read_it(gallery):
    view = dict(every_view(gallery))["home_overflow"]
    assert len(view["blocks"]) <= L.VIEW_BLOCKS.value
    assert "The rest does not fit on this page: type `/passport` for the whole passport" in view["blocks"][-1]["elements"][0]["text"]


def test_each_outcome_has_its_own_icon(gallery):
    icons = {}
    for key, (request, status, message) in gallery.decided.items():
        blocks = bk.decided_blocks(request, status, message)
        assert not any(b["type"] == "actions" for b in blocks), "no buttons left after a decision"
        icons[status] = blocks[-1]["elements"][0]["text"].split(" ", 1)[0]
    assert icons["approved"] == "✅" and icons["rejected"] == "⛔" and len(set(icons.values())) == len(icons)
    rejected = bk.notification_blocks(gallery.notifications["signoff_decided_rejected"])[0]["text"]["text"]
    assert rejected.startswith("⛔ *Not approved*") and "✅" not in rejected


def test_quotes_are_numbered_with_their_sources(gallery):
    blocks = bk.reply_blocks(gallery.replies["answer"])
    quotes, sources = blocks[0]["text"]["text"], [e["text"] for e in blocks[1]["elements"]]
    numbers = set(re.findall(r"\*\[(\d+)\]\*", quotes))
    assert numbers and all(any(s.startswith(f"*[{n}]*") for s in sources) for n in numbers)


def test_private_metadata_is_bounded_after_json_encoding():
    import pytest

    typographic = "“evidence” – " * 120  # 1,560 characters become far more as \\uXXXX escapes
    with pytest.raises(ValueError, match="private_metadata"):
        bk.metadata(note=typographic)
    assert len(bk.metadata(request_id=123456, decision="changes", channel="D0123456789", ts="1712345678.123456")) < 200
