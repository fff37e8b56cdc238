"""Slack mrkdwn escaping, in one place. Slack reads `&`, `<` and `>` as control characters: a
document saying "USP <800>" would become link syntax and a `<!channel>` in a user's evidence would
notify everyone, so every text from documents, users and the records goes through ``escape``, and
links are built only by ``link``. (https://docs.slack.dev/messaging/formatting-message-text)"""
from __future__ import annotations

import re
import urllib.parse

_URL = re.compile(r"^https?://[^\s]+$")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>``: the label escaped (a `>` in it would end the link early), the URL
    percent-encoded where Slack's syntax would misread it. Not an http(s) URL: the label alone."""
    if not url or not _URL.match(url):
        return escape(label)
    safe_url = urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{escape(safe_url)}|{escape(label)}>"


def unescape(text: str) -> str:
    """What a person reads (for tests and fallbacks): entities back to characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
