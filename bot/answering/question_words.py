"""The question's own words as evidence for the answer/decline decision: a TF-IDF bag of words over the
development questions, one learnt weight per word (``QuestionWords``), added to the decline model's logit.

The embedding already tells the decline model which topics the pack answers; the words add kinds of request
it rarely answers, whatever the topic (in the shipped model "our", "number", "USP", "stable", "diluted" lower
P(answerable); "why", "expiry", "filter" raise it). Words of fewer than two development questions get no
weight ("bleep" has none: such questions are declined on the other signals).
The same code builds the vectors when the model is fitted (``evaluation/fit.py``) and at run time, so the
two cannot drift apart: lower-cased runs of two or more word characters, sublinear term frequency,
smoothed inverse document frequency over the training questions (words in fewer than two are dropped),
unit length, then scaled by ``weight`` (the dense features are standardised; the weight sets how much
the words count against them under the same L2 penalty).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\b\w\w+\b")
WEIGHT = 10.0  # measured on the development set under CV: 3 < 10 ≈ 30 (see README › Knowledge-pack evaluation)
MIN_QUESTIONS = 2


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def vocabulary(questions: list[str], min_questions: int = MIN_QUESTIONS) -> dict[str, float]:
    """Word → smoothed idf (ln((1 + n) / (1 + df)) + 1) for words used in at least ``min_questions`` questions."""
    df: dict[str, int] = {}
    for q in questions:
        for w in set(words(q)):
            df[w] = df.get(w, 0) + 1
    n = len(questions)
    return {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in sorted(df.items()) if c >= min_questions}


def vectors(questions: list[str], idf: dict[str, float], weight: float = WEIGHT) -> np.ndarray:
    """(len(questions), len(idf)) rows: sublinear TF × idf, unit length, times ``weight``; columns in ``idf``'s order."""
    return _rows(questions, *_lookup(idf), weight)


def _lookup(idf: dict[str, float]) -> tuple[dict[str, int], np.ndarray]:
    """Word → column, and the idf of each column."""
    return {w: i for i, w in enumerate(idf)}, np.fromiter(idf.values(), dtype=np.float64, count=len(idf))


def _rows(questions: list[str], index: dict[str, int], values: np.ndarray, weight: float) -> np.ndarray:
    out = np.zeros((len(questions), len(index)), dtype=np.float64)
    for r, q in enumerate(questions):
        counts: dict[int, int] = {}
        for w in words(q):
            if w in index:
                counts[index[w]] = counts.get(index[w], 0) + 1
        if counts:
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            row = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
            row *= values[cols]
            out[r, cols] = weight * row / np.linalg.norm(row)
    return out


@dataclass
class QuestionWords:
    idf: dict[str, float]
    coef: np.ndarray  # one weight per word of ``idf``, in its order
    weight: float = WEIGHT

    def __post_init__(self) -> None:
        self._index, self._values = _lookup(self.idf)  # once per model, not on every question

    def logit(self, question: str) -> float:
        """This question's words' contribution to the decline model's logit (0 when it uses none of them)."""
        return float(self.matrix([question])[0] @ self.coef)

    def matrix(self, questions: list[str]) -> np.ndarray:
        return _rows(questions, self._index, self._values, self.weight)

    def to_dict(self) -> dict:
        return {"weight": self.weight, "words": [[w, round(v, 6), round(float(c), 6)]
                                                 for (w, v), c in zip(self.idf.items(), self.coef)]}

    @classmethod
    def from_dict(cls, d: dict) -> "QuestionWords":
        rows = d["words"]
        return cls({w: float(v) for w, v, _ in rows}, np.array([c for _, _, c in rows], np.float64), float(d["weight"]))
