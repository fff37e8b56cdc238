"""HTML: h1–h6 give the section tree; paragraphs, list items and table rows give the text."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from ..text import BULLET
from .base import ParsedDocument
from .structured import document_from_blocks, table_block

SUFFIXES = (".html", ".htm")
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre", "dd", "dt"]


def parse(path: Path, rel: str) -> ParsedDocument:
    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    for junk in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        junk.decompose()
    embedded = {}
    if soup.title and soup.title.string:
        embedded["title"] = soup.title.string.strip()
    for meta in soup.find_all("meta"):
        name, content = (meta.get("name") or "").lower(), meta.get("content")
        if name in ("version", "effective", "review_due", "owner", "id") and content:
            embedded[name] = content
    blocks: list[tuple[int, str]] = []
    for el in soup.find_all(_BLOCKS):
        if el.find_parent(["table", "pre"]) is not None or (el.name != "li" and el.find_parent("li")):
            continue  # already part of an enclosing table, code block or list item
        if el.name == "li" and el.find("li"):
            continue
        if el.name == "table":
            text = table_block([[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                                for tr in el.find_all("tr")])
        else:
            text = el.get_text(" ", strip=True)
            if el.name == "li" and text:
                text = BULLET + text  # keep list items recognisable as a list
        level = int(el.name[1]) if el.name[0] == "h" and el.name[1:].isdigit() else 0
        blocks.append((level, text))
    return document_from_blocks(path, rel, blocks, embedded)
