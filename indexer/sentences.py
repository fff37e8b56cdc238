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
    spans: np.ndarray  # int32 (n, 5): chunk row, start, end, lead-in start, lead-in end (offsets in chunk.text)
    vectors: np.ndarray  # float32 (n, dim), normalised
    ptr: np.ndarray  # int64 (chunks + 1,): sentences of chunk r are rows ptr[r]:ptr[r+1]

    def rows_for(self, chunk_row: int) -> range:
        return range(int(self.ptr[chunk_row]), int(self.ptr[chunk_row + 1]))

    def text(self, chunks: list[Chunk], row: int) -> str:
        r, a, b, la, lb = (int(x) for x in self.spans[row])
        return sentence_text(chunks[r], a, b, la, lb)

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
    """(chunk row, start, end, lead start, lead end) for every sentence worth quoting.

    A list item that is only a fragment ("after a failed test, once …;") keeps the line that
    introduces its list ("Revalidation is also needed:") as its lead-in, so it reads on its own.
    """
    rows = []
    for r, c in enumerate(chunks):
        lead = (-1, -1)
        for a, b in split_sentences(c.text):
            piece = c.text[a:b]
            is_fragment = piece[:1].islower() or piece.endswith((";", ","))
            if b - a >= MIN_CHARS:
                la, lb = lead if is_fragment else (-1, -1)
                rows.append((r, a, b, la, lb))
            if piece.endswith(":"):
                lead = (a, b)
            elif not is_fragment:
                lead = (-1, -1)
    return np.array(rows, dtype=np.int32).reshape(-1, 5)


def sentence_text(chunk: Chunk, start: int, end: int, lead_start: int = -1, lead_end: int = -1) -> str:
    """The quotable text: the sentence, after its list's lead-in when it has one (both verbatim)."""
    body = normalise_space(chunk.text[start:end])
    if lead_start < 0:
        return body
    return f"{normalise_space(chunk.text[lead_start:lead_end])} … {body}"


def context_text(chunk: Chunk, start: int, end: int, lead_start: int = -1, lead_end: int = -1) -> str:
    heading = chunk.section[-1] if chunk.section else chunk.title
    return f"{heading}: {sentence_text(chunk, start, end, lead_start, lead_end)}"


def build_sentence_table(chunks: list[Chunk], embed, progress_factory) -> tuple[SentenceTable, int]:
    """``embed(texts, progress) -> (vectors, computed)``; returns the table and how many were embedded."""
    spans = sentence_spans(chunks)
    texts = [context_text(chunks[r], a, b, la, lb) for r, a, b, la, lb in spans]
    vectors, computed = embed(texts, progress_factory("Embedding answer sentences", len(texts)))
    if not len(texts):
        vectors = np.zeros((0, 384), dtype=np.float32)
    return SentenceTable(spans, vectors.astype(np.float32), _pointer(spans, len(chunks))), computed
