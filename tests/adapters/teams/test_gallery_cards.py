"""Every Adaptive Card the bot can send (the gallery: real replies and notifications, the longest
texts, the full framework) checked against Microsoft's published schema of its declared version,
Teams' size and action limits, and text contrast in Teams' light and dark host configs."""
import json
import re

import pytest

from adapters.teams import cards, limits
from tests.adapters.platform_schemas import card_problems

from .contrast import AA, THEMES, text_contrasts


def every_card(gallery) -> list[tuple[str, dict]]:
    out = [(f"reply:{k}:{i}", c["content"]) for k, r in gallery.replies.items()
           for i, c in enumerate(cards.reply_cards(r))]
    out += [(f"note:{k}:{i}", c["content"]) for k, n in gallery.notifications.items()
            for i, c in enumerate(cards.notification_cards(n))]
    out += [(f"decided:{k}", cards.decided_card(*v)["content"]) for k, v in gallery.decided.items()]
    out.append(("signoff_form", cards.signoff_form(gallery.competencies)["content"]))
    return out


def card_text(contents: list[dict]) -> str:
    texts = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if node.get("type") == "TextBlock":
                texts.append(node["text"])
            for key in ("body", "items"):
                walk(node.get(key, []))

    walk(contents)
    return " ".join(texts)


def norm(text: str) -> str:
    """Words only: list marks, markdown emphasis and links, and line breaks set aside."""
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1", text)
    return " ".join(w for w in text.replace("•", " ").replace("**", "").split() if w != "-")


def test_every_card_validates_against_the_schema_of_its_declared_version(gallery):
    found = {name: problems for name, content in every_card(gallery) if (problems := card_problems(content))}
    assert not found, json.dumps(found, indent=1)[:4000]


def test_every_card_fits_teams_message_size_and_action_limit(gallery):
    for name, content in every_card(gallery):
        assert cards.size(content) <= limits.CARD_BYTES.value, name
        assert len(content.get("actions", [])) <= limits.ACTIONS.value, name


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_is_readable_in_both_teams_themes(gallery, theme):
    low = [(name, round(r, 2), text[:60]) for name, content in every_card(gallery)
           for text, r in text_contrasts(content, theme) if r < AA]
    assert not low, f"below {AA}:1 in the {theme} theme: {low[:10]}"


def test_nothing_a_person_must_act_on_is_cut(gallery):
    for key, note in gallery.notifications.items():
        shown = norm(card_text([c["content"] for c in cards.notification_cards(note)]))
        assert norm(note.text) in shown, key
        assert "(shortened)" not in shown
    for key, reply in gallery.replies.items():
        shown = norm(card_text([c["content"] for c in cards.reply_cards(reply)]))
        assert all(norm(q.text) in shown for q in reply.quotes) if reply.quotes else norm(reply.text) in shown, key
    long_answer = cards.notification_cards(gallery.notifications["escalation_answered_long"])
    assert "close E-1" in card_text([c["content"] for c in long_answer])
    long_request = card_text([c["content"] for c in cards.notification_cards(gallery.notifications["signoff_requested_long"])])
    assert all(link in long_request for link in __import__("tests.adapters.gallery", fromlist=["LINKS"]).LINKS)


def test_passport_is_split_over_cards_that_say_so(gallery):
    parts = cards.reply_cards(gallery.replies["passport"])
    texts = [card_text([c["content"]]) for c in parts]
    if len(parts) > 1:
        assert texts[0].startswith(f"Part 1 of {len(parts)}")
    assert "Training plan:" in " ".join(texts)


def test_multiline_text_uses_the_paragraphs_and_lists_teams_renders(gallery):
    help_text = card_text([c["content"] for c in cards.reply_cards(gallery.replies["help"])])
    assert "\n\n- what are the particle limits for grade B in operation?\n- how often do I change gloves" in help_text
    request = [b.get("text", "") for b in cards.notification_cards(gallery.notifications["signoff_requested_long"])[0]["content"]["body"]]
    assert any(t.startswith("Evidence: ") or "\n\nEvidence: " in t for t in request), "the evidence starts a paragraph"
    for name, content in every_card(gallery):
        for text in card_text([content]).split("\n\n"):
            lines = text.split("\n")
            assert len(lines) == 1 or all(line.startswith("- ") for line in lines), (name, text[:200])


def test_quotes_are_numbered_with_the_sources_they_came_from(gallery):
    reply = gallery.replies["answer_special_text"]
    body = cards.reply_cards(reply)[0]["content"]["body"]
    texts = [b.get("text", "") for b in body]
    assert any(t.startswith("“USP <800>") and t.endswith("**[1]**") for t in texts)
    assert any(t.startswith("**[1]**") and "Cytotoxic gloves & gowns" in t and "(https://intranet.example" in t for t in texts)
    warning = next(b for b in body if b["type"] == "Container")
    assert warning["style"] == "warning" and "due for review" in warning["items"][0]["text"]


def test_each_outcome_has_its_own_icon_and_colour(gallery):
    seen = {}
    for key, (request, status, message) in gallery.decided.items():
        content = cards.decided_card(request, status, message)["content"]
        banner = content["body"][-1]
        seen[status] = (banner["style"], banner["items"][0]["text"][:2])
        assert "color" not in banner["items"][0], "outcome text keeps the theme's default colour"
        assert "asks you to sign off" in content["body"][0]["text"], "the request stays on the card"
    assert seen["approved"][0] == "good" and seen["rejected"][0] == "attention"
    assert len({v for v in seen.values()}) == len(seen), seen


def test_signoff_form_type_ahead_and_labels(gallery):
    content = cards.signoff_form(gallery.competencies)["content"]
    choice = next(b for b in content["body"] if b["type"] == "Input.ChoiceSet")
    assert content["version"] == "1.5" and choice["style"] == "filtered" and len(choice["choices"]) == 68
    assert choice["placeholder"]
    inputs = [b for c in every_card(gallery) for b in c[1]["body"] if b["type"].startswith("Input.")]
    assert inputs and all(b.get("label") for b in inputs)
