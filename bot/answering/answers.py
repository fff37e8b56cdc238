"""Extractive answers: the answer units that best answer a question, quoted verbatim with citations.

Nothing is generated. Steps: the clinical scope guard; hybrid retrieval of passages; candidate units
(``features.FeatureBuilder``); the fitted model ranks them and decides answer-or-decline
(``model.AnswerModel``); the best unit is quoted, with up to two more from the same document when they
score close to it, in the order the document gives them. A long list is cut to its best run of items.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from indexer.chunking import Chunk
from indexer.tuned_encoder import TunedEmbedder, tuned_id
from indexer.text import normalise_space
from indexer.unit_table import UnitTable, section_key
from indexer.units import Unit

from bot.messages import Citation, Quote

from .features import Candidates, FeatureBuilder
from .known_questions import KnownIndex
from .model import AnswerModel, ModelError
from .question_types import clinical_scope
from .retrieval import Hit, Retriever

MAX_LIST_ITEMS = 8


@dataclass
class AnswerResult:
    quotes: list[Quote]
    confidence: float  # P(the material answers this question), from the fitted model
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)  # the chunks behind ``hits``
    units: list[Unit] = field(default_factory=list)  # the quoted units
    scope: str | None = None  # "clinical" when the scope guard refused the question
    qtype: str = "other"


def citation_for(meta: Chunk, section: list[str], today: dt.date) -> Citation:
    overdue = bool(meta.review_due and dt.date.fromisoformat(meta.review_due) < today)
    return Citation(doc_id=meta.doc_id, title=meta.title, section=" > ".join(section), version=meta.version,
                    effective=meta.effective, path=meta.source_path, review_due=meta.review_due, url=meta.url,
                    overdue_review=overdue)


def _covers(a: Unit, b: Unit) -> bool:
    """True when quoting ``a`` already quotes ``b`` (or they are the same span)."""
    if section_key(a) != section_key(b):
        return False
    ta, tb = normalise_space(a.quote), normalise_space(b.text)
    return tb in ta or normalise_space(a.text) in normalise_space(b.quote) or \
        (a.kind == "list" and b.kind == "list_item" and b.context == a.context and b.text in a.text)


class Answerer:
    def __init__(self, retriever: Retriever, chunks: list[Chunk], units: UnitTable, model: AnswerModel | None = None,
                 min_confidence: float | None = None, max_units: int = 3, margin: float = 1.0,
                 section_margin: float = 3.0, max_chars: int = 1200, clock=None):
        self.retriever, self.chunks, self.units = retriever, chunks, units
        self.model = model or AnswerModel.load()
        dim = units.vectors.shape[1] if units.vectors.ndim == 2 and len(units.vectors) else None
        # (the unfitted default only lets the fitting script compute features, whatever the embedding model)
        if dim is not None and self.model.info.get("fitted") and self.model.embedding_dim != dim:
            raise ModelError(f"the answer model's decline part was fitted on {self.model.embedding_dim}-dimension question "
                             f"embeddings and this index has {dim}: refit it with `python scripts/fit_answer_model.py`")
        self.min_confidence = self.model.threshold if min_confidence is None else min_confidence
        self.max_units = max_units
        self.margin = margin  # further units of the same document within this logit of the best are quoted too
        self.section_margin = section_margin  # … and of the same section within this one
        self.max_chars = max_chars  # no further unit once the answer is this long
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        known = self.model.known
        if known is not None and dim is not None and known.dim != dim:
            raise ModelError(f"the answer model's known questions were embedded in {known.dim} dimensions and this "
                             f"index has {dim}: refit it with `python scripts/fit_answer_model.py`")
        self.features = FeatureBuilder(retriever, chunks, units, known=KnownIndex(known, units) if known else None)
        self.tuned = None  # the tuned encoder (``indexer/tuned_encoder.py``) when the index has its unit vectors
        if units.tuned_vectors is None and tuned_id(retriever.embedder.model_name) and self.model.info.get("fitted"):
            raise ModelError("this index was built before the tuned encoder was installed (its answer units have no "
                             "tuned vectors, which the answer model reads): rebuild the index with `techserv index`")
        if units.tuned_vectors is not None:
            self.tuned = TunedEmbedder()
            if units.tuned_id != self.tuned.model_id:
                raise ModelError(f"this index's answer units were embedded by another tuned encoder ({units.tuned_id}, "
                                 f"shipped: {self.tuned.model_id}): rebuild the index with `techserv index`")
        self._meta = {}
        for c in chunks:
            self._meta.setdefault(c.doc_id, c)

    # the two halves, also used by the evaluation to refit the model per fold
    def prepare(self, question: str) -> Candidates:
        first = self.tuned.first_tuned_layer if self.tuned else None
        if first is not None:  # one base pass: vector, tokens, and the states the tuned layers continue from
            qv, q_tokens, q_ids, hidden = self.retriever.embedder.encode_question(question, first)
            tuned = self.tuned.encode_from_hidden(hidden)
        else:
            qv, q_tokens, q_ids = self.retriever.embedder.encode_tokens([question])[0]  # one pass: vector and tokens
            tuned = self.tuned.encode_query(question) if self.tuned else None
        hits = self.retriever.search(question, k=10, query_vector=qv)
        return self.features.build(question, qv, hits, q_tokens, q_ids, tuned)

    def decide(self, cand: Candidates, model: AnswerModel | None = None, threshold: float | None = None) -> AnswerResult:
        model = model or self.model
        if threshold is None:
            threshold = self.min_confidence if model is self.model else model.threshold
        chunks = [self.chunks[h.row] for h in cand.hits]
        p_clinical = model.p_clinical(cand.qv)
        if p_clinical >= model.clinical_threshold:
            return AnswerResult([], 0.0, False, cand.hits, chunks, scope="clinical", qtype=cand.qtype)
        scores = model.rank(cand.X)
        confidence = round(model.p_answerable(self.features.decline_vector(cand, scores), cand.question), 3)
        if p_clinical >= model.clinical_decline:  # looks clinical: never a quote, but not certain enough to refuse
            confidence = min(confidence, round(threshold - 0.001, 3))
        if not len(scores):
            return AnswerResult([], 0.0, False, cand.hits, chunks, qtype=cand.qtype)
        order = np.argsort(-scores, kind="stable")
        chosen = self._choose(cand, scores, order)
        quotes = [self._quote(cand, scores, u) for u in chosen]
        return AnswerResult(quotes, confidence, confidence >= threshold, cand.hits, chunks, chosen, qtype=cand.qtype)

    def answer(self, question: str) -> AnswerResult:
        if clinical_scope(question):
            return AnswerResult([], 0.0, False, scope="clinical")
        return self.decide(self.prepare(question))

    def _choose(self, cand: Candidates, scores: np.ndarray, order: np.ndarray) -> list[Unit]:
        U = self.units.units
        best = U[int(cand.rows[order[0]])]
        if cand.qtype == "procedure" and best.kind == "list_item":  # what to do: the whole procedure, in order
            best = next((U[r] for r in self.units.section_units.get(section_key(best), ())
                         if U[r].kind == "list" and U[r].context == best.context and best.text in U[r].text), best)
        chosen = [best]
        for i in order[1:]:
            gap = scores[order[0]] - scores[i]
            if len(chosen) >= self.max_units or gap > max(self.margin, self.section_margin):
                break
            u = U[int(cand.rows[i])]
            same_section = section_key(u) == section_key(best)
            if gap > (self.section_margin if same_section else self.margin) or u.doc_id != best.doc_id:
                continue
            if any(_covers(c, u) or _covers(u, c) for c in chosen) or \
                    sum(len(c.quote) for c in chosen) + len(u.quote) > self.max_chars:
                continue
            chosen.append(u)
        first = chosen[0]  # the best unit leads; others from its section follow in document order
        same = sorted((u for u in chosen if section_key(u) == section_key(first)), key=lambda u: u.start)
        return same + [u for u in chosen if section_key(u) != section_key(first)]

    def _quote(self, cand: Candidates, scores: np.ndarray, unit: Unit) -> Quote:
        citation = citation_for(self._meta[unit.doc_id], unit.section, self.clock().date())
        if unit.kind == "qa":
            return Quote(unit.text, citation, context=unit.context)
        if unit.kind == "list" and len(unit.items) > MAX_LIST_ITEMS:
            return self._list_run(cand, scores, unit, citation)
        return Quote(unit.quote, citation)

    def _list_run(self, cand: Candidates, scores: np.ndarray, unit: Unit, citation: Citation) -> Quote:
        """The best contiguous run of a long list's items (by their own unit scores), lead-in first."""
        U = self.units.units
        item_score = {U[int(r)].text: float(s) for r, s in zip(cand.rows, scores)
                      if U[int(r)].kind == "list_item" and U[int(r)].context == unit.context}
        items = unit.items
        values = [item_score.get(i.removeprefix("• ").strip(), -1e9) for i in items]
        best, best_sum = (0, MAX_LIST_ITEMS), -1e18
        for a in range(0, len(items) - MAX_LIST_ITEMS + 1):
            total = sum(v for v in values[a:a + MAX_LIST_ITEMS] if v > -1e9)
            if total > best_sum:
                best, best_sum = (a, a + MAX_LIST_ITEMS), total
        a, b = best
        lines = ([unit.context] if unit.context else []) + items[a:b]
        return Quote("\n".join(lines), citation, context=f"items {a + 1}–{b} of {len(items)}")
