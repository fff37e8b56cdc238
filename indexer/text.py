"""Plain-text helpers shared by the parsers, the chunker and the answer extractor."""
from __future__ import annotations

import re

_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → link text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),  # italic
    (re.compile(r"`([^`]+)`"), r"\1"),  # code
]
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBER = re.compile(r"^\s*(\d+)[.)]\s+")
BULLET = "• "  # list items keep a marker in the cleaned text, so answers can quote a list as a list
ROW_LABEL = " — "  # a table row reads "<first cell> — <header>: <cell>; …"


def _table_rows(lines: list[str]) -> list[str]:
    """Render a pipe table as one line per row, each cell labelled with its column header."""
    rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines if not _TABLE_SEP.match(ln)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not body:
        return ["; ".join(header) + "."]
    out = []
    for row in body:
        first = row[0] if row else ""
        cells = [f"{h}: {v}" for h, v in zip(header[1:], row[1:]) if v]
        out.append(f"{first}{ROW_LABEL}" + "; ".join(cells) + "." if cells else first)
    return out


def clean_markdown(text: str) -> str:
    """Markdown → readable plain text: tables become labelled rows, list items become lines that keep
their marker ("• item", "2. step")."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    in_code = False
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            in_code = not in_code
            i += 1
            continue
        if not in_code and line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.extend(_table_rows(block))
            continue
        if not in_code:
            line = _NUMBER.sub(r"\1. ", _BULLET.sub(BULLET, line))
            line = re.sub(r"^\s*>\s?", "", line)
            for pat, rep in _INLINE:
                line = pat.sub(rep, line)
        out.append(line.rstrip())
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Sentence boundary: end punctuation followed by space and an upper-case letter, digit or quote;
# never after common abbreviations (e.g., i.e., Ph. Eur., approx., No., Fig.).
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|approx|vs|Ph|Eur|No|Fig|Dr|Mr|Mrs|Ms|St|Ltd|cf|al)\.)$", re.I)
_NUMBER_ONLY = re.compile(r"^\s*\d+\.$")  # the marker of a numbered list item is not a sentence
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within ``text``. Lines (list items, table rows) end sentences too."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        start = 0
        for m in _BOUNDARY.finditer(line):
            if _ABBREV.search(line[start:m.start()]) or _NUMBER_ONLY.match(line[start:m.start()]):
                continue
            piece = line[start:m.start()]
            if piece.strip():
                spans.append(_strip_span(line, start, m.start(), line_start))
            start = m.end()
        if line[start:].strip():
            spans.append(_strip_span(line, start, len(line), line_start))
    return spans


def _strip_span(line: str, a: int, b: int, offset: int) -> tuple[int, int]:
    seg = line[a:b]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return offset + a + lead, offset + b - trail


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
