"""Shared step for non-Markdown formats: extracted blocks → Markdown-like body → sections."""
from __future__ import annotations

from pathlib import Path

from .base import ParsedDocument, SourceError, meta_from_mapping
from .markdown import sections_from_headings
from .sidecar import read_sidecar


def table_block(rows: list[list[str]]) -> str:
    """Table rows → a Markdown pipe table (first row = header), so it is cleaned like any other table."""
    rows = [[c.replace("|", "/").replace("\n", " ").strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def document_from_blocks(
    path: Path, rel: str, blocks: list[tuple[int, str]], embedded: dict | None = None
) -> ParsedDocument:
    """``blocks`` are (heading level or 0 for body text, text). Metadata: sidecar over embedded."""
    lines = []
    for level, text in blocks:
        text = text.strip()
        if not text:
            continue
        lines.append(f"{'#' * level} {text}" if level else text)
        lines.append("")
    body = "\n".join(lines)
    if not body.strip():
        raise SourceError("no text could be extracted (scanned image or empty file?): "
                          "export it with a text layer, or add the text as Markdown")
    data = {k: v for k, v in (embedded or {}).items() if v not in (None, "")}
    data.update(read_sidecar(path))
    sections, h1 = sections_from_headings(body, 0, len(body), str(data.get("title") or ""))
    first_line = next((t for lvl, t in blocks if t.strip()), "")
    meta = meta_from_mapping(data, path, fallback_title=h1 or first_line[:120])
    return ParsedDocument(meta=meta, source_path=rel, body=body, sections=sections)
