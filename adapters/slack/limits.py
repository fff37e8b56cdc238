"""Slack's documented limits, written down once: the renderers build inside them and the tests check
every payload against them. Each limit names the page of Slack's reference that states it.

`slack_sdk.models` checks some of these and not others (it does not check
``plain_text_input.max_length``, which is how a 4,000 limit once reached ``views.open``), so the
tests check all of them here.
"""
from __future__ import annotations

from dataclasses import dataclass

DOCS = "https://docs.slack.dev/reference"


@dataclass(frozen=True)
class Limit:
    value: int
    what: str
    source: str


def _limit(value: int, what: str, page: str) -> Limit:
    return Limit(value, what, f"{DOCS}/{page}")


# -- surfaces ------------------------------------------------------------------------------------------
MESSAGE_BLOCKS = _limit(50, "blocks in one message", "block-kit/blocks")
VIEW_BLOCKS = _limit(100, "blocks in a modal or App Home view", "views/modal-views")
MESSAGE_TEXT = _limit(40_000, "characters of a message's top-level text (Slack truncates beyond)",
                      "methods/chat.postMessage")
MODAL_TITLE = _limit(24, "characters of a modal's title", "views/modal-views")
MODAL_BUTTON = _limit(24, "characters of a modal's submit or close text", "views/modal-views")
PRIVATE_METADATA = _limit(3000, "characters of a view's private_metadata (as sent, after JSON encoding)",
                          "views/modal-views")
CALLBACK_ID = _limit(255, "characters of a view's callback_id", "views/modal-views")

# -- blocks --------------------------------------------------------------------------------------------
SECTION_TEXT = _limit(3000, "characters of a section block's text", "block-kit/blocks/section-block")
SECTION_FIELDS = _limit(10, "fields in a section block", "block-kit/blocks/section-block")
CONTEXT_ELEMENTS = _limit(10, "elements in a context block", "block-kit/blocks/context-block")
CONTEXT_TEXT = _limit(3000, "characters of a text object (context elements included)",
                      "block-kit/composition-objects/text-object")
ACTIONS_ELEMENTS = _limit(25, "elements in an actions block", "block-kit/blocks/actions-block")
HEADER_TEXT = _limit(150, "characters of a header block's text", "block-kit/blocks/header-block")
INPUT_LABEL = _limit(2000, "characters of an input block's label", "block-kit/blocks/input-block")
INPUT_HINT = _limit(2000, "characters of an input block's hint", "block-kit/blocks/input-block")
BLOCK_ID = _limit(255, "characters of a block_id", "block-kit/blocks")

# -- elements ------------------------------------------------------------------------------------------
ACTION_ID = _limit(255, "characters of an action_id", "block-kit/block-elements/button-element")
BUTTON_TEXT = _limit(75, "characters of a button's text", "block-kit/block-elements/button-element")
BUTTON_VALUE = _limit(2000, "characters of a button's value", "block-kit/block-elements/button-element")
BUTTON_URL = _limit(3000, "characters of a button's url", "block-kit/block-elements/button-element")
PLAIN_TEXT_INPUT_MAX = _limit(3000, "largest max_length of a plain_text_input (1 to 3000)",
                              "block-kit/block-elements/plain-text-input-element")
PLACEHOLDER = _limit(150, "characters of a placeholder", "block-kit/block-elements/plain-text-input-element")
SELECT_OPTIONS = _limit(100, "options in a static_select", "block-kit/block-elements/select-menu-element")
OPTION_TEXT = _limit(75, "characters of an option's text", "block-kit/composition-objects/option-object")
OPTION_VALUE = _limit(150, "characters of an option's value", "block-kit/composition-objects/option-object")

ALL = {name: value for name, value in dict(globals()).items() if isinstance(value, Limit)}
