"""Extractive answers: the one to three source sentences that best answer a question, with citations.

Nothing is generated: every sentence in an answer is a verbatim span of an indexed chunk.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from bot.messages import Citation, Quote
from indexer.chunking import Chunk
from indexer.sentences import SentenceTable

from .retrieval import Hit, Retriever

# questions asking for a figure: sentences that contain one are preferred
QUANTITY_CUES = re.compile(
    r"\b(limits?|how (many|much|long|often|soon|far)|maximum|minimum|max|min|frequency|temperature|"
    r"dose|volume|size|percent|per ?cent|pressure|time|interval|expiry|shelf life|days?|hours?|weeks?|months?)\b",
    re.I)
NON_ANSWER_SECTIONS = {"references", "bibliography", "further reading", "document history"}


@dataclass
class AnswerResult:
    quotes: list[Quote]
    confidence: float
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)  # the chunks behind ``hits``


def citation_for(chunk: Chunk, today: dt.date) -> Citation:
    overdue = bool(chunk.review_due and dt.date.fromisoformat(chunk.review_due) < today)
    return Citation(doc_id=chunk.doc_id, title=chunk.title, section=" > ".join(chunk.section),
                    version=chunk.version, effective=chunk.effective, path=chunk.source_path,
                    review_due=chunk.review_due, url=chunk.url, overdue_review=overdue)


class Answerer:
    """Picks sentences from the best passages; confidence is the cosine similarity between the
    question and the best-matching sentence/passage, so it means the same across questions."""

    def __init__(self, retriever: Retriever, chunks: list[Chunk], sentences: SentenceTable,
                 min_confidence: float = 0.51,
                 max_sentences: int = 3, passages: int = 8, margin: float = 0.15, clock=None):
        self.retriever = retriever
        self.chunks = chunks
        self.sentences = sentences
        self.min_confidence = min_confidence
        self.max_sentences = max_sentences
        self.passages = passages
        self.margin = margin  # sentences scoring within this of the best one are quoted too
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def answer(self, question: str) -> AnswerResult:
        qv = self.retriever.embedder.encode_query(question)
        hits = self.retriever.search(question, k=max(self.passages, 5), query_vector=qv)
        chunks = [self.chunks[h.row] for h in hits]
        if not hits:
            return AnswerResult([], 0.0, False, hits, chunks)
        # candidate sentences from the best passages, with embeddings computed at index time
        rows: list[int] = []
        ranks: list[int] = []
        for rank, hit in enumerate(hits[: self.passages]):
            chunk = self.chunks[hit.row]
            if chunk.section and chunk.section[0].lower() in NON_ANSWER_SECTIONS:
                continue
            span_rows = self.sentences.rows_for(hit.row)
            rows.extend(span_rows)
            ranks.extend([rank] * len(span_rows))
        if not rows:
            return AnswerResult([], 0.0, False, hits, chunks)
        sims = self.sentences.vectors[rows] @ qv
        q_terms = set(self.retriever.sparse.query_tokens(self.retriever.glossary.expand(question)))
        wants_number = bool(QUANTITY_CUES.search(question))
        candidates: list[tuple[str, Chunk]] = [
            (self.sentences.text(self.chunks, row), self.chunks[int(self.sentences.spans[row][0])]) for row in rows]
        # sentence score = cosine (in context) + query-term overlap + the passage's fused score
        # (+ a little when the question asks for a figure and the sentence has one);
        # weights chosen on tests/eval/questions.yaml (README › Answers)
        scores: list[float] = []
        token_lists = self.retriever.sparse.token_lists([text for text, _ in candidates])
        for (text, _chunk), terms, rank, sim in zip(candidates, token_lists, ranks, sims):
            overlap = len(q_terms & set(terms)) / len(q_terms) if q_terms else 0.0
            number = 0.1 if wants_number and any(ch.isdigit() for ch in text) else 0.0
            scores.append(float(sim) + 0.25 * overlap + 0.3 * hits[rank].score + number)
        order = np.argsort(-np.array(scores), kind="stable")
        best_passage_sim = max((h.dense for h in hits[: self.passages] if h.dense == h.dense), default=0.0)
        confidence = round(float(max(float(sims[order[0]]), best_passage_sim)), 3)
        today = self.clock().date()
        quotes: list[Quote] = []
        best = scores[order[0]]
        for i in order:
            sentence, chunk = candidates[i]
            if len(quotes) >= self.max_sentences or scores[i] < best - self.margin:
                break
            if any(sentence == q.text for q in quotes):
                continue
            quotes.append(Quote(text=sentence, citation=citation_for(chunk, today)))
        return AnswerResult(quotes, confidence, confidence >= self.min_confidence, hits, chunks)
