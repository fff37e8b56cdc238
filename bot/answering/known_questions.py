"""Known questions: the questions the answer model was fitted on, with where the pack answers each one (or that
it does not), shipped beside the model (``answer_model.known.npz``) and read as features.

A new question close to a known one is likely asked about the same thing: the unit that answered the known
question, and its section, are likelier answers (ranker features ``known_unit``, ``known_gap``,
``known_section``), and a question closer to known unanswerable questions than to answerable ones is likelier
unanswerable (decline features ``known_*``). Similarity is the base model's cosine between the questions.
Quotes still come from the current documents: a known question points at a place (document, section, fact
regex), resolved against each snapshot's answer units, and a place whose fact is no longer there points nowhere.

When fitting, each training question's features come from the other known questions (``exclude``): with itself
in the bank the ranker would learn to trust a perfect match it never gets on a new question.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.unit_table import UnitTable, section_key

from .evaluation.locations import unit_answers

KNOWN_PATH = Path(__file__).with_name("answer_model.known.npz")
NEIGHBOURS = 50  # the closest known questions read per question
UNIT_FEATURES = ["known_unit", "known_gap", "known_section"]
QUESTION_FEATURES = ["known_answerable", "known_unanswerable", "known_answerable_top3", "known_unanswerable_top3",
                     "known_margin"]


class KnownQuestionsError(Exception):
    pass


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


@dataclass
class KnownQuestions:
    entries: list[dict]  # {"id", "question", "answerable", "doc_id", "section", "fact"} (place only when answerable)
    vectors: np.ndarray  # float32 (entries, dim): the base model's question embeddings, normalised

    @classmethod
    def from_items(cls, items: list[dict], vectors: list[np.ndarray]) -> "KnownQuestions":
        keep = ("id", "question", "answerable", "doc_id", "section", "fact")
        entries = [{k: it[k] for k in keep if it.get(k) is not None} for it in items]
        dim = len(vectors[0]) if len(vectors) else 0
        V = _unit(np.vstack(vectors)).astype(np.float16).astype(np.float32) if len(vectors) else \
            np.zeros((0, dim), np.float32)  # (as saved: the same numbers at fitting and at run time)
        return cls(entries, V)

    def save(self, path: Path = KNOWN_PATH) -> None:
        buf = io.BytesIO()
        np.savez_compressed(buf, vectors=self.vectors.astype(np.float16),
                            entries=np.array(json.dumps(self.entries, ensure_ascii=False)))
        Path(path).write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path = KNOWN_PATH) -> "KnownQuestions":
        fix = "reinstall the package or refit the answer model with `python scripts/fit_answer_model.py`"
        path = Path(path)
        if not path.exists():
            raise KnownQuestionsError(f"the known questions {path} are missing: {fix}")
        try:
            with np.load(path, allow_pickle=False) as data:
                entries = json.loads(str(data["entries"]))
                vectors = data["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise KnownQuestionsError(f"the known questions {path} are not readable ({exc}): {fix}") from exc
        if len(entries) != len(vectors):
            raise KnownQuestionsError(f"the known questions {path} hold {len(entries)} questions and "
                                      f"{len(vectors)} vectors: {fix}")
        return cls(entries, vectors)

    def fingerprint(self) -> dict:
        """How many questions and a digest of them and their places (the model records the one it was fitted with)."""
        digest = hashlib.sha256(json.dumps(self.entries, sort_keys=True).encode("utf-8")).hexdigest()[:12]
        return {"count": len(self.entries), "digest": digest}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0


class KnownIndex:
    """Known questions resolved against one snapshot's answer units."""

    def __init__(self, known: KnownQuestions, units: UnitTable):
        self.vectors = known.vectors
        self.answerable = np.array([bool(e.get("answerable")) for e in known.entries], dtype=bool)
        by_doc: dict[str, list[int]] = {}
        for r, u in enumerate(units.units):
            by_doc.setdefault(u.doc_id, []).append(r)
        self.rows: list[list[int]] = []
        self.sections: list[set[tuple]] = []
        for e in known.entries:
            rows = [r for r in by_doc.get(e.get("doc_id", ""), ()) if e.get("answerable") and
                    unit_answers(e, units.units[r], strict=True)]
            self.rows.append(rows)
            self.sections.append({section_key(units.units[r]) for r in rows})
        self._units = units

    def similarities(self, qv: np.ndarray, exclude: int | None = None) -> np.ndarray:
        sims = self.vectors @ _unit(qv) if len(self.vectors) else np.zeros(0, np.float32)
        if exclude is not None and 0 <= exclude < len(sims):
            sims = sims.copy()
            sims[exclude] = -1.0
        return sims

    def unit_columns(self, sims: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
        """Per candidate unit: the closest known question it answers, the gap to the best candidate's, and the
        closest known question answered in its section (0 when none of the ``NEIGHBOURS`` closest is)."""
        best_unit: dict[int, float] = {}
        best_section: dict[tuple, float] = {}
        for j in np.argsort(-sims)[:NEIGHBOURS].tolist():
            s = float(sims[j])
            for r in self.rows[j]:
                if s > best_unit.get(r, 0.0):
                    best_unit[r] = s
            for k in self.sections[j]:
                if s > best_section.get(k, 0.0):
                    best_section[k] = s
        U = self._units.units
        unit = np.array([best_unit.get(int(r), 0.0) for r in rows], dtype=np.float32)
        section = np.array([best_section.get(section_key(U[int(r)]), 0.0) for r in rows], dtype=np.float32)
        return [unit, unit - (unit.max() if len(unit) else 0.0), section]

    def question_values(self, sims: np.ndarray) -> np.ndarray:
        """The closest answerable and unanswerable known questions (best, mean of the best three, margin)."""
        a, n = sims[self.answerable], sims[~self.answerable]
        a1 = float(a.max()) if len(a) else 0.0
        n1 = float(n.max()) if len(n) else 0.0
        a3 = float(np.sort(a)[-3:].mean()) if len(a) else 0.0
        n3 = float(np.sort(n)[-3:].mean()) if len(n) else 0.0
        return np.array([a1, n1, a3, n3, a1 - n1], dtype=np.float32)
