"""Soft term matching between a question and its best answer units: does each of the question's words find a
close counterpart among the units' words (a ColBERT-style "max-sim" over the embedding model's contextual
token vectors, used zero-shot)?

A question the material answers has every important word echoed in the best units, in the document's own
words or near synonyms; a near-domain question the material does not answer ("the contact time for our
sporicide brand", "the same limit in Scotland") leaves one specific word without a partner. The four numbers
``SoftMatch.features`` returns feed the answer/decline model (``features.QUESTION_FEATURES``). Unit token
vectors are computed on first use and kept for the life of the snapshot; a long-running service fills them
all in the background after loading a snapshot (``warm``), so answers do not wait for them.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from indexer.units import Unit

FEATURES = ["soft_idf", "soft_min", "soft_min_rare", "soft_worst_idf"]
TOP_UNITS = 3  # the ranker's best units the question is matched against
_STOP = ("the a an of to in is it for and or do i we you what how when why who which can should does on at be are "
         "my our with if this that there any").split()


def unit_token_text(u: Unit) -> str:
    return f"{u.context} {u.text}".strip() if u.kind in ("list_item", "qa") else u.text


class SoftMatch:
    def __init__(self, embedder, units: list[Unit], cache_size: int = 20000):
        self.embedder, self.units = embedder, units
        self.cache_size = cache_size
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._idf: dict[int, float] | None = None
        self._stop: set[int] = set()
        self._lock = threading.Lock()

    def _weights(self) -> dict[int, float]:
        """Inverse document frequency of each vocabulary id over the answer units (computed once)."""
        if self._idf is None:
            tok = self.embedder.model.tokenizer
            df: dict[int, int] = {}
            ids = tok([unit_token_text(u) for u in self.units], add_special_tokens=False,
                                                                          verbose=False)["input_ids"] if self.units else []
            for row in ids:
                for i in set(row):
                    df[i] = df.get(i, 0) + 1
            n = len(self.units)
            self._idf = {i: math.log((n + 1) / (c + 1)) for i, c in df.items()}
            self._idf[-1] = math.log(n + 1)  # an id no unit uses
            self._stop = {i for i in tok.convert_tokens_to_ids(_STOP) if i != tok.unk_token_id}
        return self._idf

    def _unit_tokens(self, rows: list[int]) -> list[np.ndarray]:
        with self._lock:
            missing = [r for r in dict.fromkeys(rows) if r not in self._cache]
        computed = self.embedder.encode_tokens([unit_token_text(self.units[r]) for r in missing]) if missing else []
        with self._lock:
            for r, (_, tokens, _) in zip(missing, computed):
                self._cache[r] = tokens
            found = {r: self._cache.get(r) for r in rows}
            for r in rows:
                if r in self._cache:
                    self._cache.move_to_end(r)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return [found[r] for r in rows]

    def warm(self, batch: int = 32, stop: threading.Event | None = None) -> int:
        """Compute the token vectors of every unit (in batches, so answers interleave); returns how many."""
        self._weights()
        done = 0
        for i in range(0, min(len(self.units), self.cache_size), batch):
            if stop is not None and stop.is_set():
                break
            done += len(self._unit_tokens(list(range(i, min(i + batch, len(self.units))))))
        return done

    def features(self, q_tokens: np.ndarray | None, q_ids: np.ndarray | None, rows: list[int]) -> list[float]:
        """[idf-weighted mean, minimum, minimum over the rarer half, worst idf-weighted miss] of each question
        word's best cosine to a word of the given units; zeros when there is nothing to match."""
        if q_tokens is None or q_ids is None or not len(q_ids) or not rows:
            return [0.0] * len(FEATURES)
        idf = self._weights()
        keep = np.array([int(i) not in self._stop for i in q_ids], dtype=bool)
        if not keep.any():
            return [0.0] * len(FEATURES)
        q = q_tokens[keep].astype(np.float32)
        w = np.array([idf.get(int(i), idf[-1]) for i in q_ids[keep]], dtype=np.float32)
        best = np.full(len(q), -1.0, dtype=np.float32)
        for u in self._unit_tokens(rows):
            if len(u):
                best = np.maximum(best, (q @ u.astype(np.float32).T).max(axis=1))
        rare = w >= np.quantile(w, 0.5)
        mean = float((best * w).sum() / w.sum()) if w.sum() > 0 else float(best.mean())
        return [mean, float(best.min()), float(best[rare].min()), float(((1.0 - best) * w).max())]
