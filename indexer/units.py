"""Answer units: the spans an answer may quote, built at index time from the document's structure.

A unit is one of
  ``sentence``    a prose sentence;
  ``definition``  a sentence that defines a term ("A key site is …");
  ``paragraph``   a prose paragraph of two or more sentences (short enough to quote whole);
  ``list``        a list with its lead-in, every item in document order;
  ``list_item``   one item of a list, with the lead-in as its context;
  ``table_row``   a table row, every cell labelled with its column header;
  ``qa``          the answer to a self-check or worked-example question (the question is its context).

Never a unit on its own: headings, bare questions, bare lead-ins ("When a unit is cloudy:"), scope
boilerplate ("This guidance explains how …"), and the sections Purpose and scope, Learning outcomes,
References and Document history. Every unit's text is verbatim (whitespace aside) from the section's
cleaned text, which is also what the chunks hold.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

from .sources import ParsedDocument
from .text import BULLET, clean_markdown, normalise_space, split_sentences

KINDS = ("sentence", "definition", "paragraph", "list", "list_item", "table_row", "qa")
SKIP_SECTIONS = {"purpose and scope", "scope", "learning outcomes", "references", "bibliography", "further reading",
                 "document history", "version history"}
MIN_CHARS = 12
MAX_PARAGRAPH_CHARS = 700
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_ANSWER = re.compile(r"^\s*(?:answer|a)\s*[:.–-]\s*", re.I)
_BOILERPLATE = re.compile(
    r"^(?:this|the present) (?:guidance|document|course|module|section|sop|procedure|chapter)\b[^.]*?\b"
    r"(?:explains|covers|describes|sets out|gives|summarises|introduces|applies|is for|is written|does not|supports)\b"
    r"|^it (?:covers|also covers|explains|describes|sets out|does not cover|applies|supports)\b"
    r"|^by the end of this\b",
    re.I)
_DEFINITION = re.compile(r"^(?:an? |the )?[\w()/'’ -]{2,60}? (?:is|are|means|refers to|is defined as|describes)"
                         r" (?:an?|the|any|when|where|how|what|that)\b", re.I)


@dataclass(frozen=True)
class Unit:
    unit_id: str
    kind: str
    doc_id: str
    section: list[str]
    sec_start: int  # the section's start offset in the document body (with doc_id and section: its key)
    start: int  # offsets of the unit in the section's cleaned text
    end: int
    text: str  # what is quoted (list: lead-in and items, one per line)
    context: str  # list item: the lead-in; qa: the question; otherwise ""
    position: int  # order of the unit's first line within the section
    source_path: str
    in_examples: bool = False  # under a "Worked examples" / "Self-check questions" heading
    items: list[str] = field(default_factory=list)  # list: the items, in order

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def quote(self) -> str:
        """The quotable text with its context, e.g. "Revalidation is also needed: … after a failed test"."""
        if self.kind == "list_item" and self.context:
            return f"{self.context} … {self.text}"
        return self.text


def _blocks(raw: str) -> list[tuple[str, list[str]]]:
    """Raw Markdown of one section → blocks: ('table'|'list'|'para', raw lines), in order."""
    lines = raw.split("\n")
    out: list[tuple[str, list[str]]] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.strip().startswith("```"):  # code: not quotable prose
            i += 1
            while i < n and not lines[i].strip().startswith("```"):
                i += 1
            i += 1
            continue
        if line.lstrip().startswith("|"):
            block = []
            while i < n and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(("table", block))
            continue
        if _ITEM.match(line):
            block = []
            while i < n:
                cur = lines[i]
                if _ITEM.match(cur):
                    block.append(cur)
                elif cur.strip() and block and not cur.lstrip().startswith("|"):
                    if _ANSWER.match(cur):  # "1. Why …?\nAnswer: …" is a question and its answer
                        block.append(cur)
                    else:
                        block[-1] += " " + cur.strip()  # continuation of the item
                elif not cur.strip():
                    j = i
                    while j < n and not lines[j].strip():
                        j += 1
                    if j < n and _ITEM.match(lines[j]):  # a loose list continues after a blank line
                        i = j
                        continue
                    break
                else:
                    break
                i += 1
            out.append(("list", block))
            continue
        block = []
        while i < n and lines[i].strip() and not _ITEM.match(lines[i]) and not lines[i].lstrip().startswith("|"):
            block.append(lines[i])
            i += 1
        out.append(("para", block))
    return _lists_from_paragraphs(out)


def _lists_from_paragraphs(blocks: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """PDF/DOCX text has no list markers: a run of short fragments after a lead-in ending with ':' is a list."""
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(blocks):
        kind, lines = blocks[i]
        out.append((kind, lines))
        if kind == "para" and " ".join(lines).rstrip().endswith(":"):
            items = []
            j = i + 1
            while j < len(blocks) and blocks[j][0] == "para":
                text = " ".join(blocks[j][1]).strip()
                if len(text) < 400 and (text[:1].islower() or text.endswith((";", ","))):
                    items.append(text)
                    j += 1
                else:
                    break
            if items:
                out.append(("list", items))
                i = j
                continue
        i += 1
    return out


def _clean(line: str) -> str:
    return normalise_space(clean_markdown(line))


def _strip_marker(text: str) -> str:
    return _ITEM.sub("", text, count=1).strip()


def _strip_bullet(text: str) -> str:
    return text[len(BULLET):].strip() if text.startswith(BULLET) else text


def _qa_pairs(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Split "question?" / "Answer: …" line pairs out of a block; returns (pairs, remaining lines)."""
    pairs, rest, i = [], [], 0
    while i < len(lines):
        q = _clean(lines[i])
        if i + 1 < len(lines) and q.endswith("?") and _ANSWER.match(lines[i + 1]):
            pairs.append((q, _clean(lines[i + 1])))
            i += 2
            continue
        rest.append(lines[i])
        i += 1
    return pairs, rest


class UnitBuilder:
    """``run(doc) -> list[Unit]`` for one parsed document."""

    def run(self, doc: ParsedDocument) -> list[Unit]:
        units: list[Unit] = []
        for sec in doc.sections:
            if sec.path and sec.path[0].strip().lower() in SKIP_SECTIONS:
                continue
            units.extend(self._section(doc, sec))
        return units

    def _section(self, doc: ParsedDocument, sec) -> list[Unit]:
        raw = doc.body[sec.start:sec.end]
        flat = normalise_space(sec.text)
        in_examples = any(re.search(r"worked example|self-check|example \d|questions", h, re.I) for h in sec.path)
        cursor = 0
        made: list[Unit] = []

        def locate(text: str) -> tuple[int, int]:
            nonlocal cursor
            at = flat.find(text, cursor)
            if at < 0:
                at = flat.find(text)
            if at < 0:
                return cursor, cursor
            cursor = at
            return at, at + len(text)

        def add(kind: str, text: str, context: str = "", items: list[str] | None = None, span=None) -> None:
            if len(text) < MIN_CHARS:
                return
            a, b = span or locate(text)
            key = f"{doc.meta.doc_id}\0{'/'.join(sec.path)}\0{sec.start}\0{kind}\0{a}\0{text}"
            made.append(Unit(unit_id=hashlib.sha1(key.encode()).hexdigest()[:16], kind=kind, doc_id=doc.meta.doc_id,
                             section=list(sec.path), sec_start=sec.start, start=a, end=b, text=text, context=context,
                             position=len(made), source_path=doc.source_path, in_examples=in_examples,
                             items=list(items or [])))

        blocks = _blocks(raw)
        for n, (kind, lines) in enumerate(blocks):
            if kind == "table":
                rows = [normalise_space(r) for r in clean_markdown("\n".join(lines)).split("\n") if r.strip()]
                if len(lines) > 2:  # header + separator + rows; a header alone says nothing
                    for row in rows:
                        add("table_row", row)
                continue
            pairs, lines = _qa_pairs(lines)
            for q, a in pairs:
                qa_span = locate(a)
                add("qa", a, context=_strip_marker(q), span=qa_span)
            if not lines:
                continue
            if kind == "list":
                lead = self._lead_in(blocks, n)
                items = [_clean(item) for item in lines]
                items = [i for i in items if i]
                if not items:
                    continue
                start, _ = locate(items[0])
                end = start
                for item in items:
                    item_start, end = locate(item)
                    add("list_item", _strip_bullet(item), context=lead, span=(item_start, end))
                body = "\n".join(([lead] if lead else []) + items)
                if len(items) > 1:
                    add("list", body, context=lead, items=items, span=(start, end))
                continue
            text = _clean("\n".join(lines))
            sentences = [normalise_space(text[a:b]) for a, b in split_sentences(text)]
            kept = 0
            for i, s in enumerate(sentences):
                asked = next((q for q in reversed(sentences[max(0, i - 4):i]) if q.endswith("?")), None)
                if _ANSWER.match(s) and asked:  # a worked example: the question, the working, "Answer: …"
                    add("qa", s, context=asked)
                last_is_lead = i == len(sentences) - 1 and s.endswith(":") and n + 1 < len(blocks) \
                    and blocks[n + 1][0] == "list"
                if s.endswith("?") or last_is_lead or s.endswith(":") or _BOILERPLATE.search(s):
                    locate(s)
                    continue
                add("definition" if _DEFINITION.match(s) and not in_examples else "sentence", s)
                kept += 1
            quotable = [s for s in sentences if not _BOILERPLATE.search(s)]
            if kept >= 1 and len(sentences) >= 2 and len(text) <= MAX_PARAGRAPH_CHARS and len(quotable) == len(sentences):
                first = flat.find(sentences[0])
                add("paragraph", text, span=(first, first + len(text)) if first >= 0 else None)
        return made

    @staticmethod
    def _lead_in(blocks, n: int) -> str:
        if n == 0 or blocks[n - 1][0] != "para":
            return ""
        text = _clean("\n".join(blocks[n - 1][1]))
        sentences = [normalise_space(text[a:b]) for a, b in split_sentences(text)]
        return sentences[-1] if sentences and sentences[-1].endswith(":") else ""


def embed_text(unit: Unit, title: str) -> str:
    """What is embedded for a unit: its heading and context, then the text."""
    heading = unit.section[-1] if unit.section else title
    context = f"{unit.context} " if unit.context and unit.kind in ("qa", "list_item") else ""
    return f"{heading}: {context}{unit.text}"


def heading_text(unit: Unit, title: str) -> str:
    return " > ".join([title, *unit.section])


def sparse_text(unit: Unit) -> str:
    return f"{unit.context} {unit.text}".strip()

