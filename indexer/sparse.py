"""BM25 (bm25s, Snowball stemming) over chunk index texts."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import bm25s
import numpy as np
import Stemmer

# Keep one-letter tokens ("grade B", "vitamin K") but drop English stop words except the letters
# that carry meaning in this domain.
TOKEN_PATTERN = r"(?u)\b\w+\b"
_KEEP = {"a", "b", "c", "d", "k"}
STOPWORDS = sorted(set(bm25s.stopwords.STOPWORDS_EN) - _KEEP)


class SparseIndex:
    def __init__(self, bm25: bm25s.BM25, size: int, language: str = "english"):
        self.bm25 = bm25
        self.size = size
        self.language = language
        self.stemmer = Stemmer.Stemmer(language)

    def tokenize(self, texts: Sequence[str]):
        return bm25s.tokenize(list(texts), token_pattern=TOKEN_PATTERN, stopwords=STOPWORDS,
                              stemmer=self.stemmer, show_progress=False)

    def query_tokens(self, text: str) -> list[str]:
        return self.token_lists([text])[0]

    def token_lists(self, texts: Sequence[str]) -> list[list[str]]:
        """Stemmed tokens of each text, as BM25 sees them."""
        if not texts:
            return []
        return bm25s.tokenize(list(texts), token_pattern=TOKEN_PATTERN, stopwords=STOPWORDS,
                              stemmer=self.stemmer, return_ids=False, show_progress=False)

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> "SparseIndex":
        idx = cls(bm25s.BM25(k1=k1, b=b, method="lucene"), len(texts))
        if texts:
            idx.bm25.index(idx.tokenize(texts), show_progress=False)
        return idx

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every row for the query ``text`` (zeros when no query term is indexed)."""
        tokens = [t for t in self.query_tokens(text) if t in self.bm25.vocab_dict]
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    @staticmethod
    def top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and scores of the best ``k`` rows with a positive score."""
        k = min(k, len(scores))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        keep = scores[top] > 0
        return top[keep].astype(np.int64), scores[top][keep].astype(np.float32)

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.top(self.scores(text), k)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.bm25.save(str(folder), show_progress=False)
        (folder / "sparse.json").write_text(json.dumps({"size": self.size, "language": self.language}))

    @classmethod
    def load(cls, folder: Path) -> "SparseIndex":
        info = json.loads((folder / "sparse.json").read_text())
        bm = bm25s.BM25.load(str(folder), show_progress=False) if info["size"] else bm25s.BM25()
        return cls(bm, info["size"], info.get("language", "english"))
