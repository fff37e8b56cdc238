"""Sentence table for extractive answers: every chunk's sentences, embedded once at index time.

Each sentence is embedded as "<section heading>: <sentence>" so it is judged in context. At query
time the answerer only takes dot products, so answering costs no extra model calls.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .text import normalise_space, split_sentences

MIN_CHARS = 12


@dataclass
class SentenceTable:
    spans: np.ndarray  # int32 (n, 3): chunk row, start, end (offsets in chunk.text)
    vectors: np.ndarray  # float32 (n, dim), normalised
    ptr: np.ndarray  # int64 (chunks + 1,): sentences of chunk r are rows ptr[r]:ptr[r+1]

    def rows_for(self, chunk_row: int) -> range:
        return range(int(self.ptr[chunk_row]), int(self.ptr[chunk_row + 1]))

    def save(self, folder: Path) -> None:
        np.save(folder / "sentence_spans.npy", self.spans)
        np.save(folder / "sentence_vectors.npy", self.vectors)

    @classmethod
    def load(cls, folder: Path, n_chunks: int) -> "SentenceTable":
        spans = np.load(folder / "sentence_spans.npy")
        vectors = np.load(folder / "sentence_vectors.npy")
        return cls(spans, vectors, _pointer(spans, n_chunks))


def _pointer(spans: np.ndarray, n_chunks: int) -> np.ndarray:
    counts = np.bincount(spans[:, 0], minlength=n_chunks) if len(spans) else np.zeros(n_chunks, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def sentence_spans(chunks: list[Chunk]) -> np.ndarray:
    rows = [(r, a, b) for r, c in enumerate(chunks) for a, b in split_sentences(c.text) if b - a >= MIN_CHARS]
    return np.array(rows, dtype=np.int32).reshape(-1, 3)


def sentence_text(chunk: Chunk, start: int, end: int) -> str:
    return normalise_space(chunk.text[start:end])


def context_text(chunk: Chunk, start: int, end: int) -> str:
    return f"{chunk.section[-1] if chunk.section else chunk.title}: {sentence_text(chunk, start, end)}"


def build_sentence_table(chunks: list[Chunk], embed, progress_factory) -> tuple[SentenceTable, int]:
    """``embed(texts, progress) -> (vectors, computed)``; returns the table and how many were embedded."""
    spans = sentence_spans(chunks)
    texts = [context_text(chunks[r], a, b) for r, a, b in spans]
    vectors, computed = embed(texts, progress_factory("Embedding answer sentences", len(texts)))
    if not len(texts):
        vectors = np.zeros((0, 384), dtype=np.float32)
    return SentenceTable(spans, vectors.astype(np.float32), _pointer(spans, len(chunks))), computed
