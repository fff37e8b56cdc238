"""Token-aware chunking within sections: sentences are packed up to ``max_tokens`` with overlap."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Callable

from .sources import ParsedDocument
from .text import split_sentences

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    section: list[str]
    text: str  # display text (cleaned section text span)
    version: str
    effective: str | None
    review_due: str | None
    doc_type: str
    source_path: str
    url: str | None
    start: int  # offsets of the section this chunk came from, in the source body
    end: int
    sent_start: int  # offsets of the chunk within the section's cleaned text
    sent_end: int

    @property
    def heading(self) -> str:
        return " > ".join([self.title, *self.section])

    @property
    def index_text(self) -> str:
        """What is embedded and BM25-indexed: heading context plus the passage."""
        return f"{self.heading}\n{self.text}"

    def to_dict(self) -> dict:
        return asdict(self)


def word_counter(text: str) -> int:
    """Fallback counter when no tokenizer is available: ~1.3 word pieces per word."""
    return int(len(text.split()) * 1.3) + 1


class Chunker:
    def __init__(self, count_tokens: TokenCounter = word_counter, max_tokens: int = 200, overlap_tokens: int = 40):
        if overlap_tokens >= max_tokens:
            raise ValueError("overlap_tokens must be smaller than max_tokens")
        self.count = count_tokens
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens

    def run(self, doc: ParsedDocument) -> list[Chunk]:
        m = doc.meta
        chunks: list[Chunk] = []
        for sec in doc.sections:
            for a, b in self._windows(sec.text):
                text = sec.text[a:b]
                key = f"{m.doc_id}\0{'/'.join(sec.path)}\0{sec.start}\0{a}\0{text}"
                chunks.append(Chunk(
                    chunk_id=hashlib.sha1(key.encode()).hexdigest()[:16],
                    doc_id=m.doc_id, title=m.title, section=list(sec.path), text=text,
                    version=m.version,
                    effective=m.effective.isoformat() if m.effective else None,
                    review_due=m.review_due.isoformat() if m.review_due else None,
                    doc_type=m.doc_type, source_path=doc.source_path, url=m.url,
                    start=sec.start, end=sec.end, sent_start=a, sent_end=b,
                ))
        return chunks

    def _windows(self, text: str) -> list[tuple[int, int]]:
        sents = split_sentences(text)
        if not sents:
            return []
        sizes = [self.count(text[a:b]) for a, b in sents]
        windows: list[tuple[int, int]] = []
        i = 0
        while i < len(sents):
            j, total = i, 0
            while j < len(sents) and (j == i or total + sizes[j] <= self.max_tokens):
                total += sizes[j]
                j += 1
            windows.append((sents[i][0], sents[j - 1][1]))
            if j >= len(sents):
                break
            # step back over trailing sentences that fit in the overlap budget
            k, back = j, 0
            while k - 1 > i and back + sizes[k - 1] <= self.overlap_tokens:
                k -= 1
                back += sizes[k]
            i = k
        return windows
