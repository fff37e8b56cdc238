"""Microsoft Teams' documented limits for what a bot sends, written down once (the renderers build
inside them; tests check every card against them), each with the page it comes from."""
from __future__ import annotations

from adapters.slack.limits import Limit

FORMAT_PAGE = "https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages"
CARDS_PAGE = "https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format"
VERSION_PAGE = "https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference"

# The whole bot message, encoded as UTF-16. The page has said 40 KB and, later, 100 KB (80 KB advised);
# the stricter figure is used so a card fits either way.
MESSAGE_BYTES = Limit(40_000, "bytes of one bot message, encoded as UTF-16", FORMAT_PAGE)
# what a card may use of it, leaving room for the activity around the attachment
CARD_BYTES = Limit(32_000, "bytes of one Adaptive Card as UTF-16 (this project's budget inside MESSAGE_BYTES)",
                   FORMAT_PAGE)
ACTIONS = Limit(6, "actions at the top level of a card (host config maxActions)", CARDS_PAGE)
CARD_VERSION = "1.5"  # the newest Adaptive Card version Teams renders for bot-sent cards (VERSION_PAGE)


def utf16_bytes(obj_json: str) -> int:
    return len(obj_json.encode("utf-16-le"))
