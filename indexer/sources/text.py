"""Plain text: paragraphs; a sidecar ``.meta.yaml`` may give id, title, version."""
from __future__ import annotations

from pathlib import Path

from .base import ParsedDocument, SourceError
from .structured import document_from_blocks

SUFFIXES = (".txt",)


def parse(path: Path, rel: str) -> ParsedDocument:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text ({exc.reason} at byte {exc.start}): re-save it as UTF-8") from exc
    paras = [p.strip() for p in raw.replace("\r\n", "\n").split("\n\n")]
    return document_from_blocks(path, rel, [(0, p) for p in paras if p])
