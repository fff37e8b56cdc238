"""Features of a question and its candidate answer units — the same code at run time and when the
answer model is fitted (``bot/answering/evaluation/fit.py``), so the two can never drift apart.

Candidates: the units of the sections behind the best retrieved passages, plus the best units by
dense similarity and by BM25 over all units. One row of ``UNIT_FEATURES`` per candidate, one vector of
``QUESTION_FEATURES`` per question (for the answer/decline decision), which ends with how well each question
word is echoed by the best three units (``soft_match.py``); the decline model also reads the question's own
embedding (``decline_features``): which topics and kinds of request the material answers is learnt from it.
The unit features also say whether the question names a table row's label (``table_rows.py``). Both end with
the known-question features (``known_questions.py``): how close the question is to questions
the model was fitted on that a candidate unit (or its section) answers, and to known answerable and
unanswerable questions.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from indexer.chunking import Chunk
from indexer.unit_table import UnitTable, section_key
from indexer.units import KINDS

from .glossary import Glossary
from .known_questions import QUESTION_FEATURES as KNOWN_QUESTION
from .known_questions import UNIT_FEATURES as KNOWN_UNIT
from .known_questions import KnownIndex
from .question_types import QUESTION_TYPES, question_type
from .retrieval import Hit, Retriever
from .soft_match import FEATURES as SOFT_FEATURES
from .soft_match import TOP_UNITS, SoftMatch
from .table_rows import FEATURES as ROW_FEATURES
from .table_rows import RowLabels
from .vocabulary import Vocabulary

PASSAGES = 10
GLOBAL = 30
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)?")
_DIGIT = np.vectorize(lambda t: any(ch.isdigit() for ch in t), otypes=[bool])

UNIT_FEATURES = (
    ["dense_unit", "dense_heading", "dense_gap", "bm25_norm", "bm25_log", "coverage", "coverage_heading",
     "idf_coverage", "chunk_score", "chunk_rank", "section_retrieved", "has_number", "number_wanted",
     "position", "first_in_section", "log_length", "in_examples", "course",
     "dense_context", "section_dense_max", "doc_dense_max", "dense_rank", "bm25_rank", "bigram_coverage",
     "numbers_matched", "tuned_dense", "tuned_gap", "tuned_rank"]
    + [f"kind_{k}" for k in KINDS]
    + [f"{k}_x_{t}" for t in QUESTION_TYPES for k in KINDS]
    + ROW_FEATURES
    + KNOWN_UNIT
)
QUESTION_FEATURES = (
    ["top_score", "second_score", "margin", "top_dense", "best_dense", "best_passage_dense", "top_coverage",
     "top_idf_coverage", "best_idf_coverage", "rare_term_coverage", "unknown_terms", "unknown_fraction",
     "bm25_top_log", "question_words_log", "best_context", "top_bigram_coverage", "best_heading", "top_tuned",
     "best_tuned"]
    + [f"type_{t}" for t in QUESTION_TYPES] + SOFT_FEATURES + KNOWN_QUESTION
)
EMBEDDING_PREFIX = "embedding_"


def decline_features(dim: int) -> list[str]:
    """What the answer/decline model reads: the question-level features, then the question's embedding."""
    return list(QUESTION_FEATURES) + [f"{EMBEDDING_PREFIX}{i}" for i in range(dim)]


TUNED = slice(UNIT_FEATURES.index("tuned_dense"), UNIT_FEATURES.index("tuned_rank") + 1)
KNOWN = slice(UNIT_FEATURES.index(KNOWN_UNIT[0]), UNIT_FEATURES.index(KNOWN_UNIT[-1]) + 1)


def tuned_columns(tuned: np.ndarray) -> list[np.ndarray]:
    """The tuned encoder's unit features: similarity, gap to the best candidate, reciprocal rank."""
    rank = 1.0 / (1.0 + np.argsort(np.argsort(-tuned, kind="stable")).astype(np.float32))
    return [tuned, tuned - tuned.max(), rank]


def with_tuned(cand: "Candidates", tuned: np.ndarray) -> "Candidates":
    """The same candidates with the tuned-encoder similarities replaced (fitting: out-of-fold encoders)."""
    X = cand.X.copy()
    if len(X):
        X[:, TUNED] = np.column_stack(tuned_columns(tuned))
    return replace(cand, X=X, tuned=tuned.astype(np.float32))


def with_known(cand: "Candidates", index: KnownIndex | None, exclude: int | None = None) -> "Candidates":
    """The same candidates with the known-question features from ``index`` (without its entry ``exclude``:
    fitting reads each training question against the others)."""
    X = cand.X.copy()
    if index is None or cand.qv is None or not len(index.vectors):
        if len(X):
            X[:, KNOWN] = 0.0
        return replace(cand, X=X, known=np.zeros(len(KNOWN_QUESTION), np.float32))
    sims = index.similarities(cand.qv, exclude)
    if len(X):
        X[:, KNOWN] = np.column_stack(index.unit_columns(sims, cand.rows))
    return replace(cand, X=X, known=index.question_values(sims))


@dataclass
class Candidates:
    question: str
    qtype: str
    rows: np.ndarray  # unit rows
    X: np.ndarray  # (len(rows), len(UNIT_FEATURES))
    hits: list[Hit]
    qv: np.ndarray | None = None  # the question's embedding (decline model and learned clinical scope guard)
    coverage: np.ndarray = field(default_factory=lambda: np.zeros(0))
    idf_coverage: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dense: np.ndarray = field(default_factory=lambda: np.zeros(0))
    context: np.ndarray = field(default_factory=lambda: np.zeros(0))
    heading: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bigrams: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rare_terms: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    content_words: int = 0
    unit_terms: list[set[str]] = field(default_factory=list)
    q_tokens: np.ndarray | None = None  # the question's contextual token vectors (``soft_match.py``)
    q_ids: np.ndarray | None = None  # … and their vocabulary ids
    tuned: np.ndarray = field(default_factory=lambda: np.zeros(0))  # similarity by the tuned encoder
    known: np.ndarray = field(default_factory=lambda: np.zeros(len(KNOWN_QUESTION), np.float32))  # known questions


class FeatureBuilder:
    """Holds per-snapshot lookups (unit token sets, document frequencies, the vocabulary)."""

    def __init__(self, retriever: Retriever, chunks: list[Chunk], units: UnitTable, glossary: Glossary | None = None,
                 known: KnownIndex | None = None):
        self.retriever, self.chunks, self.units = retriever, chunks, units
        self.known = known  # the shipped known questions, resolved against these units
        self.glossary = glossary or retriever.glossary
        sparse = units.sparse if units.sparse.size else retriever.sparse
        self._tokens = sparse.token_lists
        texts = [f"{u.context} {u.text}" for u in units.units]
        token_lists = self._tokens(texts) if texts else []
        self.unit_terms = [set(t) for t in token_lists]
        self.unit_bigrams = [set(zip(t, t[1:])) for t in token_lists]
        self.unit_numbers = [set(_NUMBERS.findall(x.text)) for x in units.units]
        headings = {}
        titles = {c.doc_id: c.title for c in chunks}
        for u, h in zip(units.units, units.heading_of.tolist()):
            headings.setdefault(h, " ".join([titles.get(u.doc_id, ""), *u.section]))
        self.heading_terms = {h: set(t) for h, t in zip(headings, self._tokens(list(headings.values())))} if headings else {}
        df: dict[str, int] = {}
        for terms in self.unit_terms:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        n = max(len(self.unit_terms), 1)
        self.idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
        self.max_idf = math.log(n + 1) + 1.0
        self.vocabulary = Vocabulary([c.text for c in chunks] + [c.heading for c in chunks])
        doc_types = {c.doc_id: c.doc_type for c in chunks}
        u = units.units
        self.kind_index = np.array([KINDS.index(x.kind) for x in u], dtype=np.int64)
        self.has_number = _DIGIT(np.array([x.text for x in u], dtype=object)) if u else np.zeros(0, bool)
        sizes: dict[tuple, int] = {}
        for x in u:
            sizes[section_key(x)] = sizes.get(section_key(x), 0) + 1
        self.position = np.array([x.position / max(1, sizes[section_key(x)] - 1) for x in u], dtype=np.float32)
        self.first = np.array([x.position == 0 for x in u], dtype=np.float32)
        self.log_length = np.array([math.log(len(x.text) + 1) for x in u], dtype=np.float32)
        self.in_examples = np.array([x.in_examples for x in u], dtype=np.float32)
        self.course = np.array([doc_types.get(x.doc_id) == "course" for x in u], dtype=np.float32)
        self.soft = SoftMatch(retriever.embedder, u)
        self.row_labels = RowLabels(u)

    def build(self, question: str, qv: np.ndarray, hits: list[Hit], token_vectors: np.ndarray | None = None,
              token_ids: np.ndarray | None = None, tuned_qv: np.ndarray | None = None) -> Candidates:
        """Candidates and their features; ``tuned_qv``: the question by the tuned encoder (without it, or without
        the units' tuned vectors, the tuned features repeat the base model's)."""
        U = self.units
        qtype = question_type(question)
        expanded = self.glossary.expand(question)
        chunk_rank: dict[int, tuple[int, float]] = {}
        sections: dict[tuple, tuple[int, float]] = {}
        for rank, h in enumerate(hits[:PASSAGES]):
            c = self.chunks[h.row]
            for r in U.chunk_units[h.row]:
                chunk_rank.setdefault(r, (rank, h.score))
            sections.setdefault(section_key(c), (rank, h.score))
        rows = set(chunk_rank)
        for key in sections:
            rows.update(U.section_units.get(key, ()))
        dense_all = U.vectors @ qv if len(U.vectors) else np.zeros(0, np.float32)
        bm25_all = U.sparse.scores(expanded) if U.sparse.size else np.zeros(len(U.units), np.float32)
        if len(dense_all):
            rows.update(np.argsort(-dense_all)[:GLOBAL].tolist())
            rows.update(U.sparse.top(bm25_all, GLOBAL)[0].tolist())
        rows_arr = np.array(sorted(rows), dtype=np.int64)
        if not len(rows_arr):
            return with_known(Candidates(question, qtype, rows_arr, np.zeros((0, len(UNIT_FEATURES)), np.float32), hits,
                                         qv=qv, q_tokens=token_vectors, q_ids=token_ids), self.known)

        q_terms = set(self._tokens([expanded])[0])
        q_idf = sum(self.idf.get(t, self.max_idf) for t in q_terms) or 1.0
        dense = dense_all[rows_arr]
        heading = U.heading_vectors[U.heading_of[rows_arr]] @ qv
        bm25 = bm25_all[rows_arr]
        cov, cov_h, idf_cov = [], [], []
        for r in rows_arr.tolist():
            terms = self.unit_terms[r]
            both = terms | self.heading_terms.get(int(U.heading_of[r]), set())
            matched = q_terms & terms
            cov.append(len(matched) / len(q_terms) if q_terms else 0.0)
            cov_h.append(len(q_terms & both) / len(q_terms) if q_terms else 0.0)
            idf_cov.append(sum(self.idf.get(t, self.max_idf) for t in q_terms & both) / q_idf)
        cov, cov_h, idf_cov = (np.array(x, dtype=np.float32) for x in (cov, cov_h, idf_cov))
        q_tokens = self._tokens([question])[0]
        q_bigrams = set(zip(q_tokens, q_tokens[1:]))
        bigram = np.array([len(q_bigrams & self.unit_bigrams[r]) / len(q_bigrams) if q_bigrams else 0.0
                           for r in rows_arr.tolist()], dtype=np.float32)
        q_numbers = set(_NUMBERS.findall(question))
        numbers = np.array([len(q_numbers & self.unit_numbers[r]) / len(q_numbers) if q_numbers else 0.0
                            for r in rows_arr.tolist()], dtype=np.float32)
        context = (U.context_vectors[rows_arr] @ qv).astype(np.float32) if U.context_vectors is not None \
            else np.zeros(len(rows_arr), np.float32)
        sec_max: dict[tuple, float] = {}
        doc_max: dict[str, float] = {}
        for r, d in zip(rows_arr.tolist(), dense.tolist()):
            k = section_key(U.units[r])
            sec_max[k] = max(sec_max.get(k, -1.0), d)
            doc_max[U.units[r].doc_id] = max(doc_max.get(U.units[r].doc_id, -1.0), d)
        section_dense = np.array([sec_max[section_key(U.units[r])] for r in rows_arr.tolist()], np.float32)
        doc_dense = np.array([doc_max[U.units[r].doc_id] for r in rows_arr.tolist()], np.float32)
        dense_rank = 1.0 / (1.0 + np.argsort(np.argsort(-dense, kind="stable")).astype(np.float32))
        bm25_rank = 1.0 / (1.0 + np.argsort(np.argsort(-bm25, kind="stable")).astype(np.float32))
        c_rank = np.array([1.0 / (1 + chunk_rank[r][0]) if r in chunk_rank else 0.0 for r in rows_arr.tolist()],
                          dtype=np.float32)
        c_score = np.array([chunk_rank[r][1] if r in chunk_rank else 0.0 for r in rows_arr.tolist()], dtype=np.float32)
        in_section = np.array([section_key(U.units[r]) in sections for r in rows_arr.tolist()], dtype=np.float32)
        has_number = self.has_number[rows_arr].astype(np.float32)
        wants_number = 1.0 if qtype == "figure" else 0.0
        kinds = np.zeros((len(rows_arr), len(KINDS)), dtype=np.float32)
        kinds[np.arange(len(rows_arr)), self.kind_index[rows_arr]] = 1.0
        inter = np.zeros((len(rows_arr), len(QUESTION_TYPES) * len(KINDS)), dtype=np.float32)
        t = QUESTION_TYPES.index(qtype)
        inter[:, t * len(KINDS):(t + 1) * len(KINDS)] = kinds
        tuned = dense if tuned_qv is None or U.tuned_vectors is None else (U.tuned_vectors[rows_arr] @ tuned_qv)
        bmax = float(bm25.max()) if len(bm25) else 0.0
        X = np.column_stack([
            dense, heading, dense - dense.max(), bm25 / bmax if bmax > 0 else bm25, np.log1p(bm25), cov, cov_h, idf_cov,
            c_score, c_rank, in_section, has_number, has_number * wants_number, self.position[rows_arr],
            self.first[rows_arr], self.log_length[rows_arr], self.in_examples[rows_arr], self.course[rows_arr],
            context, section_dense, doc_dense, dense_rank, bm25_rank, bigram, numbers, *tuned_columns(tuned),
            kinds, inter, *self.row_labels.columns(question, rows_arr),
            np.zeros((len(rows_arr), len(KNOWN_UNIT)), np.float32)]).astype(np.float32)
        content = self.vocabulary.content_words(question)
        known = [w for w in content if self.vocabulary.known(w)]
        rare = sorted(set(known), key=lambda w: -self.vocabulary.idf(w))[:2]
        cand = Candidates(question, qtype, rows_arr, X, hits, qv=qv, coverage=cov, idf_coverage=idf_cov, dense=dense,
                          context=context, heading=heading, bigrams=bigram,
                          rare_terms=rare, unknown=self.vocabulary.unknown(question), content_words=len(content),
                          unit_terms=[self.unit_terms[r] for r in rows_arr.tolist()], q_tokens=token_vectors,
                          q_ids=token_ids, tuned=tuned.astype(np.float32))
        return with_known(cand, self.known)

    def decline_vector(self, cand: Candidates, scores: np.ndarray) -> np.ndarray:
        """``decline_features``: the question-level features and the question's embedding."""
        return np.concatenate([self.question_vector(cand, scores), np.asarray(cand.qv, dtype=np.float32)])

    def question_vector(self, cand: Candidates, scores: np.ndarray) -> np.ndarray:
        """Question-level features, given the ranker's scores of the candidates."""
        onehot = [1.0 if cand.qtype == t else 0.0 for t in QUESTION_TYPES]
        passage_dense = max((h.dense for h in cand.hits[:PASSAGES] if h.dense == h.dense), default=0.0)
        bm25_top = max((h.bm25 for h in cand.hits[:PASSAGES] if h.bm25 == h.bm25), default=0.0)
        n_words = max(cand.content_words, 1)
        unknown = len(cand.unknown)
        if not len(scores):
            return np.array([0, 0, 0, 0, 0, passage_dense, 0, 0, 0, 0, unknown, unknown / n_words,
                             math.log1p(bm25_top), math.log(n_words + 1), 0, 0, 0, 0, 0] + onehot + [0.0] * len(SOFT_FEATURES)
                            + cand.known.tolist(), dtype=np.float32)
        order = np.argsort(-scores)
        top = int(order[0])
        second = float(scores[order[1]]) if len(order) > 1 else 0.0
        rare = [t for w in cand.rare_terms for t in self._tokens([w])[0]]
        rare_cov = (sum(1 for t in rare if t in cand.unit_terms[top]) / len(rare)) if rare else 1.0
        return np.array([
            float(scores[top]), second, float(scores[top]) - second, float(cand.dense[top]), float(cand.dense.max()),
            passage_dense, float(cand.coverage[top]), float(cand.idf_coverage[top]), float(cand.idf_coverage.max()),
            rare_cov, unknown, unknown / n_words, math.log1p(bm25_top), math.log(n_words + 1),
            float(cand.context.max()), float(cand.bigrams[top]), float(cand.heading.max()), float(cand.tuned[top]),
            float(cand.tuned.max())] + onehot
            + self.soft.features(cand.q_tokens, cand.q_ids, [int(cand.rows[i]) for i in order[:TOP_UNITS]])
            + cand.known.tolist(), dtype=np.float32)
