"""PDF (pypdf): sections from the PDF outline (bookmarks) when present, else numbered headings."""
from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .base import ParsedDocument, SourceError
from .structured import document_from_blocks

SUFFIXES = (".pdf",)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+[A-Z][^.:;]{1,80}$")


def _outline_titles(reader: PdfReader) -> dict[str, int]:
    titles: dict[str, int] = {}

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            elif getattr(it, "title", None):
                titles.setdefault(it.title.strip(), depth)

    try:
        walk(reader.outline, 1)
    except Exception:  # a broken outline is not worth losing the text for
        return {}
    return titles


def parse(path: Path, rel: str) -> ParsedDocument:
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(f"PDF cannot be read ({exc.__class__.__name__}: {exc}); "
                          "check it opens in a PDF viewer and re-export it") from exc
    outline = _outline_titles(reader)
    blocks: list[tuple[int, str]] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append((0, " ".join(para)))
            para.clear()

    for page in pages:
        for line in page.splitlines():
            s = line.strip()
            if not s:
                flush()
                continue
            if s in outline:
                flush()
                blocks.append((min(outline[s], 6), s))
            elif not outline and _NUMBERED.match(s):
                flush()
                blocks.append((min(_NUMBERED.match(s).group(1).count(".") + 2, 6), s))
            else:
                para.append(s)
                if s.endswith((".", ":", "?", "!")):
                    flush()
        flush()
    info = reader.metadata or {}
    embedded = {"title": info.get("/Title"), "version": info.get("/Version"), "id": info.get("/DocId")}
    return document_from_blocks(path, rel, blocks, embedded)
