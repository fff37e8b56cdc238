"""A whole section of a document, reassembled verbatim from the snapshot's chunks ("Show the whole
section" after an answer). Subsections under it are included, each under its own heading."""
from __future__ import annotations

import re

from indexer.chunking import Chunk


def section_ref(doc_id: str, section: str) -> str:
    """The value of a "show section" action: ``doc_id#Section > Subsection``."""
    return f"{doc_id}#{section}"


def parse_ref(ref: str) -> tuple[str, list[str]]:
    doc_id, _, section = ref.partition("#")
    return doc_id.strip(), [p.strip() for p in section.split(" > ") if p.strip()]


def _assemble(chunks: list[Chunk]) -> str:
    """Chunks of one section (overlapping windows of its text, at their offsets) → the section text."""
    end = max(c.sent_start + len(c.text) for c in chunks)
    buf: list[str | None] = [None] * end
    for c in chunks:
        buf[c.sent_start:c.sent_start + len(c.text)] = list(c.text)
    text = "".join(ch if ch is not None else "\n" for ch in buf).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def whole_section(chunks: list[Chunk], ref: str) -> tuple[Chunk, list[tuple[list[str], str]]] | None:
    """(a chunk of the document for its citation, [(section path, text)] in document order), or None."""
    doc_id, path = parse_ref(ref)
    mine = [c for c in chunks if c.doc_id == doc_id and c.section[:len(path)] == path]
    if not mine:
        return None
    by_start: dict[int, list[Chunk]] = {}
    for c in mine:
        by_start.setdefault(c.start, []).append(c)
    parts = [(group[0].section, _assemble(group)) for _, group in sorted(by_start.items())]
    return mine[0], parts
