"""Where a question set says a question is answered, and whether an answer unit or a reply is one of them.

An answerable entry names its expected ``doc_id``, ``section`` and ``fact`` (a case-insensitive regex the
correct answer must contain). The pack says many things twice (a course restates its guidance), so an entry
may also list other places that answer it equally well::

    also:
      - {doc_id: crs-aseptic-entry, section: Hand hygiene before entry, fact: '20.30 seconds'}

Each alternative was written from the documents by someone who did not see the assistant's answers, and is
checked by ``tests/knowledge/test_pack.py`` (the fact is in that section). The measures count an answer from
any listed place; ``strict=True`` counts only the first (``doc_id``/``section``/``fact``), as before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


def norm(text: str) -> str:
    return " ".join(str(text).lower().split())


@dataclass(frozen=True)
class Location:
    doc_id: str
    section: str  # a heading of that document; its subsections count
    fact: re.Pattern | None


def locations(item: dict, strict: bool = False) -> list[Location]:
    """The places that answer an answerable entry: its own first, then its ``also`` list."""
    def one(d: dict) -> Location:
        fact = re.compile(d["fact"], re.I) if d.get("fact") else None
        return Location(d["doc_id"], d.get("section", ""), fact)

    if not item.get("answerable", True) or not item.get("doc_id"):
        return []
    first = [one(item)]
    return first if strict else first + [one(a) for a in item.get("also") or []]


def in_section(loc: Location, unit) -> bool:
    want = norm(loc.section)
    return unit.doc_id == loc.doc_id and (not want or want in map(norm, unit.section))


def unit_answers(item: dict, unit, strict: bool = False) -> bool:
    """The unit comes from a listed place and, quoted, contains that place's fact."""
    return any(in_section(loc, unit) and (loc.fact is None or bool(loc.fact.search(norm(unit.quote))))
               for loc in locations(item, strict))


def unit_located(item: dict, unit, strict: bool = False) -> bool:
    """The unit comes from a listed place (document and section), whatever its text."""
    return any(in_section(loc, unit) for loc in locations(item, strict))


def fact_quoted(item: dict, quotes, strict: bool = False) -> bool:
    """The reply's quotes contain the fact: the entry's own fact anywhere in them (as before), or an
    alternative's fact in a quote from that alternative's document."""
    locs = locations(item, strict)
    if not locs or not quotes:
        return False
    own = locs[0]
    if own.fact is None or own.fact.search(norm(" ".join(q.text for q in quotes))):
        return True
    return any(loc.fact is not None and q.citation.doc_id == loc.doc_id and loc.fact.search(norm(q.text))
               for loc in locs[1:] for q in quotes)
