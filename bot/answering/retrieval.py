"""Hybrid search: BM25 and dense scores fused over the union of both candidate lists."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from indexer.dense import DenseIndex
from indexer.embedding import Embedder
from indexer.sparse import SparseIndex

from .glossary import Glossary

Mode = Literal["bm25", "dense", "hybrid"]
Fusion = Literal["adaptive", "convex", "rrf"]


@dataclass(frozen=True)
class Hit:
    row: int
    score: float  # fused score (scale depends on mode and fusion)
    bm25: float
    dense: float  # cosine similarity between the query and the row (nan in bm25 mode)


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - float(x.mean())) / sd if sd > 0 else np.zeros_like(x)


AGREEMENT_K = 20  # the two top-k lists compared
AGREEMENT_FULL = 0.15  # at this share of shared top-k documents (3 of 20) BM25 gets its full weight


class Retriever:
    """Searches one loaded index. Read-only after construction: swap the whole object to change index.

    Hybrid fusion: the union of the BM25 and dense top-``candidates`` lists is re-scored with *exact*
    BM25 and cosine scores. ``adaptive`` (default) z-scores both over the union and weights BM25 per
    query by how far its top 20 agree with the dense top 20: ``a = alpha · min(1, shared/20 / 0.15)``,
    ``a·bm25 + (1−a)·dense``. When a long, chatty or noisy question makes BM25's list unrelated to the
    dense one, BM25 stops pulling the ranking down (fixed-weight fusion then lost to dense alone).
    ``convex`` (min–max, fixed ``alpha``) and ``rrf`` are kept for comparison; README › Retrieval
    quality records all three.
    """

    def __init__(self, dense: DenseIndex, sparse: SparseIndex, embedder: Embedder,
                 glossary: Glossary | None = None, fusion: Fusion = "adaptive", alpha: float = 0.5,
                 candidates: int = 100, rrf_k: int = 60):
        self.dense = dense
        self.sparse = sparse
        self.embedder = embedder
        self.glossary = glossary or Glossary([])
        self.fusion = fusion
        self.alpha = alpha
        self.candidates = candidates
        self.rrf_k = rrf_k

    def search(self, query: str, k: int = 10, mode: Mode = "hybrid",
               query_vector: np.ndarray | None = None) -> list[Hit]:
        n = self.candidates
        if mode == "bm25":
            rows, scores = self.sparse.search(self.glossary.expand(query), k)
            return [Hit(int(r), float(s), float(s), float("nan")) for r, s in zip(rows, scores)]
        qv = self.embedder.encode_query(query) if query_vector is None else query_vector
        d_rows, d_scores = self.dense.search(qv, n if mode == "hybrid" else k)
        if mode == "dense":
            return [Hit(int(r), float(s), float("nan"), float(s)) for r, s in zip(d_rows, d_scores)]
        full_bm25 = self.sparse.scores(self.glossary.expand(query))
        b_rows, _ = self.sparse.top(full_bm25, n)
        return self._fuse(b_rows, d_rows, dict(zip(d_rows.tolist(), d_scores.tolist())), full_bm25, qv)[:k]

    def _fuse(self, b_rows, d_rows, dense_scores: dict, full_bm25: np.ndarray, qv: np.ndarray) -> list[Hit]:
        rows = np.unique(np.concatenate([b_rows, d_rows])).tolist()
        if not rows:
            return []
        for r in rows:
            if r not in dense_scores:
                dense_scores[r] = float(np.dot(self.dense.reconstruct(r), qv))
        bv = full_bm25[rows].astype(np.float32)
        dv = np.array([dense_scores[r] for r in rows], dtype=np.float32)
        if self.fusion == "rrf":
            b_rank = {r: i for i, r in enumerate(b_rows.tolist())}
            d_rank = {r: i for i, r in enumerate(d_rows.tolist())}
            fused = np.array([
                (1 / (self.rrf_k + b_rank[r] + 1) if r in b_rank else 0.0)
                + (1 / (self.rrf_k + d_rank[r] + 1) if r in d_rank else 0.0) for r in rows])
        elif self.fusion == "adaptive":
            k = AGREEMENT_K
            shared = len(set(b_rows[:k].tolist()) & set(d_rows[:k].tolist())) / k
            a = self.alpha * min(1.0, shared / AGREEMENT_FULL)
            fused = a * _zscore(bv) + (1 - a) * _zscore(dv)
        else:
            b_norm = _minmax(bv) if bv.max() > 0 else bv
            fused = self.alpha * b_norm + (1 - self.alpha) * _minmax(dv)
        order = np.argsort(-fused, kind="stable")
        return [Hit(int(rows[i]), float(fused[i]), float(bv[i]), float(dv[i])) for i in order]
