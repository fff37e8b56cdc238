"""Markdown with YAML front matter: sections follow the heading tree."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..text import clean_markdown
from .base import ParsedDocument, Section, SourceError, meta_from_mapping

SUFFIXES = (".md", ".markdown")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def parse_front_matter(raw: str) -> tuple[dict, int]:
    """Return (front matter mapping, offset where the body starts)."""
    m = _FRONT.match(raw)
    if not m:
        return {}, 0
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise SourceError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise SourceError("front matter must be a YAML mapping of key: value lines")
    return data, m.end()


def sections_from_headings(body: str, start: int, end: int, title: str) -> tuple[list[Section], str | None]:
    """Split body[start:end] at Markdown headings. The first level-1 heading, if any, is the title."""
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(body, start, end)]
    heads = [
        m for m in _HEADING.finditer(body, start, end)
        if not any(a <= m.start() < b for a, b in fences)
    ]
    h1 = next((m.group(2).strip() for m in heads if len(m.group(1)) == 1), None)
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []

    def emit(path: tuple[str, ...], a: int, b: int) -> None:
        text = clean_markdown(body[a:b])
        if text:
            sections.append(Section(path=path, text=text, start=a, end=b))

    cursor, path = start, ()
    for m in heads:
        emit(path, cursor, m.start())
        level, name = len(m.group(1)), m.group(2).strip()
        if level == 1 and name == (h1 or title):
            stack, path = [], ()
        else:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            path = tuple(n for _, n in stack)
        cursor = m.end() + 1
    emit(path, cursor, end)
    return sections, h1


def parse(path: Path, rel: str) -> ParsedDocument:
    raw = path.read_text(encoding="utf-8")
    front, body_start = parse_front_matter(raw)
    probe_title = str(front.get("title") or "")
    sections, h1 = sections_from_headings(raw, body_start, len(raw), probe_title)
    meta = meta_from_mapping(front, path, fallback_title=h1)
    if not sections:
        raise SourceError("the document has no text below its front matter")
    return ParsedDocument(meta=meta, source_path=rel, body=raw, sections=sections)
