"""Which table row a question names: "grade A settle plate limit" asks for the row labelled "Grade A".

A table row unit reads "<label> — <header>: <cell>; …" (``indexer/text.py``, ``ROW_LABEL``). The rows of one table share their
column headers and differ in the label, which the question often names: the embeddings and BM25 barely tell
"grade A" from "grade B" ("a" is a stop word), so the ranker gets two features per candidate:

* ``row_named``: the question names this row's label;
* ``row_other``: the question names another row of the same table, and not this one.

Labels of one or two characters ("A", "3") only count after a word that introduces them ("grade A",
"category 3"), since a bare "a" or "3" in a question says nothing.
"""
from __future__ import annotations

import re

import numpy as np

from indexer.text import ROW_LABEL
from indexer.unit_table import section_key
from indexer.units import Unit

FEATURES = ["row_named", "row_other"]
MAX_LABEL_WORDS = 6
_LEADS = r"(?:grade|grades|class|category|cat|type|level|step|stage|zone|room|tier|option|part)"
_NON_WORD = re.compile(r"[^0-9a-zµ]+")


def normalise(text: str) -> str:
    """Lower case, parentheses dropped, every run of other characters one space ("Tc-99m" → "tc 99m")."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " " + " ".join(_NON_WORD.sub(" ", text).split()) + " "


def row_label(unit: Unit) -> str | None:
    """The normalised label of a table row unit, or None (not a row, or a label too long to be named)."""
    if unit.kind != "table_row" or ROW_LABEL not in unit.text:
        return None
    label = normalise(unit.text.split(ROW_LABEL, 1)[0]).strip()
    if not label or len(label.split()) > MAX_LABEL_WORDS:
        return None
    return label


def _pattern(label: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in label.split())
    if len(label) <= 2:
        return re.compile(rf"\b{_LEADS}\s+{words}\b")
    return re.compile(rf"\b{words}\b")


class RowLabels:
    """Per snapshot: each table row's label pattern and the rows of its table (its section's rows)."""

    def __init__(self, units: list[Unit]):
        self.patterns: dict[int, re.Pattern] = {}
        self.table: dict[int, tuple] = {}
        self.rows_of: dict[tuple, list[int]] = {}
        for r, u in enumerate(units):
            label = row_label(u)
            if label is not None:
                self.patterns[r] = _pattern(label)
                self.table[r] = section_key(u)
                self.rows_of.setdefault(self.table[r], []).append(r)

    def columns(self, question: str, rows: np.ndarray) -> list[np.ndarray]:
        """``FEATURES`` for the candidate ``rows``."""
        named = np.zeros(len(rows), np.float32)
        other = np.zeros(len(rows), np.float32)
        if not self.patterns:
            return [named, other]
        q = normalise(question)
        matched: dict[tuple, set[int]] = {}  # per table among the candidates: its rows the question names
        for i, r in enumerate(rows.tolist()):
            key = self.table.get(r)
            if key is None:
                continue
            if key not in matched:
                matched[key] = {x for x in self.rows_of[key] if self.patterns[x].search(q)}
            named[i] = float(r in matched[key])
            other[i] = float(r not in matched[key] and bool(matched[key]))
        return [named, other]
