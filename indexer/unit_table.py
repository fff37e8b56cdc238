"""The stored answer units of a snapshot: units, their embeddings, section-heading embeddings, a BM25
index over them, and which chunks hold each one.

    units.jsonl            one unit per line (row order = vector row order), with "chunks" and "heading"
    unit_vectors.npy       float32 (units, dim): "<heading>: <context> <text>", normalised
    heading_vectors.npy    float32 (headings, dim): "<title> > <section path>"
    context_vectors.npy    float32 (units, dim): the self-check question or list lead-in (zeros when none)
    unit_sparse/           bm25s over "<context> <text>"
    tuned_vectors.npy      float32 (units, dim): the same unit text by the tuned encoder (``tuned_encoder.py``),
    tuned_model.txt        … and that encoder's id (both absent when the embedding model has no tuned layers)
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .chunking import Chunk
from .sparse import SparseIndex
from .text import normalise_space
from .units import Unit, embed_text, heading_text, sparse_text

# embed(texts, progress) -> (vectors, newly computed)
Embed = Callable[[list[str], Callable[[int], None]], tuple[np.ndarray, int]]


@dataclass
class UnitTable:
    units: list[Unit]
    vectors: np.ndarray
    heading_vectors: np.ndarray
    heading_of: np.ndarray  # int (units,): row of each unit's heading in heading_vectors
    chunk_rows: list[list[int]]  # chunks whose text holds each unit
    sparse: SparseIndex
    context_vectors: np.ndarray | None = None  # float32 (units, dim): the Q&A question or list lead-in; 0 if none
    tuned_vectors: np.ndarray | None = None  # float32 (units, dim) by the tuned encoder; None without one
    tuned_id: str | None = None  # which tuned encoder made them
    chunk_units: list[list[int]] = field(default_factory=list)  # units held by each chunk
    section_units: dict[tuple, list[int]] = field(default_factory=dict)  # (doc, section, start) → unit rows

    def __post_init__(self) -> None:
        self.section_units = defaultdict(list)
        for row, u in enumerate(self.units):
            self.section_units[section_key(u)].append(row)

    def attach(self, n_chunks: int) -> None:
        self.chunk_units = [[] for _ in range(n_chunks)]
        for row, chunks in enumerate(self.chunk_rows):
            for c in chunks:
                self.chunk_units[c].append(row)

    def save(self, folder: Path) -> None:
        with open(folder / "units.jsonl", "w", encoding="utf-8") as fh:
            for u, chunks, h in zip(self.units, self.chunk_rows, self.heading_of.tolist()):
                fh.write(json.dumps({**u.to_dict(), "chunks": chunks, "heading": h}, ensure_ascii=False) + "\n")
        np.save(folder / "unit_vectors.npy", self.vectors)
        np.save(folder / "heading_vectors.npy", self.heading_vectors)
        np.save(folder / "context_vectors.npy", self.context_vectors)
        if self.tuned_vectors is not None:
            np.save(folder / "tuned_vectors.npy", self.tuned_vectors)
            (folder / "tuned_model.txt").write_text(f"{self.tuned_id}\n", encoding="utf-8")
        self.sparse.save(folder / "unit_sparse")

    @classmethod
    def load(cls, folder: Path, n_chunks: int) -> "UnitTable":
        units, chunk_rows, heading_of = [], [], []
        with open(folder / "units.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    chunk_rows.append(row.pop("chunks"))
                    heading_of.append(row.pop("heading"))
                    units.append(Unit(**row))
        table = cls(units, np.load(folder / "unit_vectors.npy"), np.load(folder / "heading_vectors.npy"),
                    np.array(heading_of, dtype=np.int64), chunk_rows, SparseIndex.load(folder / "unit_sparse"),
                    np.load(folder / "context_vectors.npy"))
        if (folder / "tuned_vectors.npy").exists():
            table.tuned_vectors = np.load(folder / "tuned_vectors.npy")
            table.tuned_id = (folder / "tuned_model.txt").read_text(encoding="utf-8").strip()
        table.attach(n_chunks)
        return table


def section_key(item: Unit | Chunk) -> tuple:
    return (item.doc_id, tuple(item.section), item.sec_start if isinstance(item, Unit) else item.start)


def load_units(folder: Path) -> list[Unit]:
    """The units of a snapshot without vectors (for reuse by an incremental build)."""
    out = []
    path = folder / "units.jsonl"
    if not path.exists():
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                row.pop("chunks", None)
                row.pop("heading", None)
                out.append(Unit(**row))
    return out


def holding_chunks(units: list[Unit], chunks: list[Chunk]) -> list[list[int]]:
    """For each unit, the chunks of its section whose text contains the unit's first line."""
    by_section: dict[tuple, list[int]] = defaultdict(list)
    flat = [normalise_space(c.text) for c in chunks]
    for row, c in enumerate(chunks):
        by_section[section_key(c)].append(row)
    out = []
    for u in units:
        rows = by_section.get(section_key(u), [])
        probe = normalise_space((u.items[0] if u.items else u.text))[:80]
        held = [r for r in rows if probe in flat[r]]
        out.append(held or rows[:1])
    return out


def build_unit_table(units: list[Unit], chunks: list[Chunk], embed: Embed, progress_factory,
                     tuned: tuple[str, Embed] | None = None) -> tuple[UnitTable, int]:
    """Embed every unit and section heading (through the cache) and index the units for BM25; with ``tuned``
    (the tuned encoder's id and embed function), the units once more by the tuned encoder."""
    titles = {c.doc_id: c.title for c in chunks}
    texts = [embed_text(u, titles.get(u.doc_id, "")) for u in units]
    vectors, computed = embed(texts, progress_factory("Embedding answer units", len(texts)))
    headings = list(dict.fromkeys(heading_text(u, titles.get(u.doc_id, "")) for u in units))
    index = {h: i for i, h in enumerate(headings)}
    h_vectors, h_computed = embed(headings, progress_factory("Embedding section headings", len(headings)))
    if not units:
        vectors = np.zeros((0, 384), dtype=np.float32)
        h_vectors = np.zeros((0, 384), dtype=np.float32)
    heading_of = np.array([index[heading_text(u, titles.get(u.doc_id, ""))] for u in units], dtype=np.int64)
    with_context = [i for i, u in enumerate(units) if u.context and u.kind in ("qa", "list_item", "list")]
    contexts = list(dict.fromkeys(units[i].context for i in with_context))
    c_vectors, c_computed = embed(contexts, progress_factory("Embedding questions and lead-ins", len(contexts)))
    c_index = {c: i for i, c in enumerate(contexts)}
    context_vectors = np.zeros_like(vectors, dtype=np.float32)
    for i in with_context:
        context_vectors[i] = c_vectors[c_index[units[i].context]]
    computed += c_computed
    sparse = SparseIndex.build([sparse_text(u) for u in units])
    table = UnitTable(units, vectors.astype(np.float32), h_vectors.astype(np.float32), heading_of,
                      holding_chunks(units, chunks), sparse, context_vectors)
    if tuned is not None:
        t_vectors, t_computed = tuned[1](texts, progress_factory("Embedding answer units (tuned encoder)", len(texts)))
        table.tuned_vectors = (t_vectors if units else np.zeros_like(vectors)).astype(np.float32)
        table.tuned_id = tuned[0]
        computed += t_computed
    table.attach(len(chunks))
    return table, computed + h_computed
