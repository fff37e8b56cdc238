"""Checks a question set must pass before it is measured: its places resolve and it copies no other set.

Used by ``tests/knowledge/test_pack.py`` (every shipped set) and by ``scripts/check_question_set.py`` (a set or a
part of one while it is being written or audited), so a writer sees exactly what the test will refuse.

- **Places**: every answerable entry's ``doc_id`` is a document of the pack, its ``section`` is a heading of that
  document, and its ``fact`` regex matches that section's text (subsections included). The same for each ``also``
  place; no place is listed twice.
- **Labels**: unanswerable entries have a ``kind`` (clinical | near-domain | off-topic); ids are unique.
- **Copies**: a question whose words are (nearly) those of a question in another set would measure a question the
  model has seen as if it were new. ``near_copies`` compares word sets (Jaccard) after lower-casing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("clinical", "near-domain", "off-topic")


@dataclass(frozen=True)
class PackSection:
    path: tuple[str, ...]  # the headings from the document's top down to this section
    text: str


def pack_sections(knowledge: Path) -> dict[str, list[PackSection]]:
    """Every document of the pack under ``knowledge`` by id, as its sections (parsed as the indexer parses them)."""
    from indexer.discover import discover
    from indexer.sources import parse_file

    docs = {}
    for sf in discover([knowledge]):
        doc = parse_file(sf.path, sf.rel)
        if doc.meta.doc_id in docs:
            raise ValueError(f"two documents have the id {doc.meta.doc_id} (second: {sf.rel})")
        docs[doc.meta.doc_id] = doc
    return sections_of(docs)


def sections_of(docs: dict) -> dict[str, list[PackSection]]:
    """The sections of already parsed documents (``ParsedDocument`` by id), their text on single spaces."""
    return {doc_id: [PackSection(tuple(s.path), " ".join(s.text.split())) for s in doc.sections]
            for doc_id, doc in docs.items()}


def place_problems(questions: list[dict], docs: dict[str, list[PackSection]]) -> list[str]:
    """What is wrong with the entries' places and labels, one line each (empty: nothing)."""
    problems: list[str] = []
    for q in questions:
        qid = q.get("id", "?")
        if not q["answerable"]:
            if q.get("kind") not in KINDS:
                problems.append(f"{qid}: an unanswerable question needs kind: one of {', '.join(KINDS)}")
            continue
        places = [q] + list(q.get("also") or [])  # the expected place, then the other places that answer it
        for place in places:
            where = f"{place.get('doc_id')} > {place.get('section')}"
            sections = docs.get(place.get("doc_id"))
            if sections is None:
                problems.append(f"{qid}: no document {place.get('doc_id')!r} in the pack")
                continue
            if place.get("section") not in {h for s in sections for h in s.path}:
                problems.append(f"{qid}: no section {place.get('section')!r} in {place['doc_id']} "
                                "(use the heading's exact text)")
                continue
            body = " ".join(s.text for s in sections if place["section"] in s.path)
            fact = place.get("fact")
            if not fact:
                problems.append(f"{qid}: {where} has no fact")
                continue
            try:
                found = re.search(fact, body, re.I)
            except re.error as exc:
                problems.append(f"{qid}: fact {fact!r} is not a valid regex ({exc})")
                continue
            if not found:
                problems.append(f"{qid}: fact {fact!r} is not in {where}")
        keys = [(p.get("doc_id"), p.get("section")) for p in places]
        if len(set(keys)) != len(keys):
            problems.append(f"{qid}: a place is listed twice")
    ids = [q.get("id") for q in questions]
    twice = sorted({i for i in ids if ids.count(i) > 1}, key=str)
    if twice:
        problems.append(f"ids used twice: {', '.join(map(str, twice))}")
    return problems


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def nearest(question: str, others: list[tuple[frozenset[str], dict]]) -> tuple[float, dict | None]:
    """The largest word-set overlap (Jaccard) of ``question`` with any of ``others`` (their ``words`` and entry)."""
    mine = words(question)
    if not mine:
        return 0.0, None
    return max(((len(mine & w) / len(mine | w), o) for w, o in others if w), key=lambda t: t[0], default=(0.0, None))


def near_copies(questions: list[dict], others: list[dict], threshold: float = 0.8) -> list[tuple[dict, dict, float]]:
    """Pairs (question, other, similarity) whose word sets overlap by at least ``threshold`` (Jaccard)."""
    index = [(words(o["question"]), o) for o in others]
    out = []
    for q in questions:
        sim, other = nearest(q["question"], index)
        if other is not None and sim >= threshold:
            out.append((q, other, round(sim, 3)))
    return out
