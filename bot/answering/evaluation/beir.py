"""Evaluate retrieval on a BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)."""
from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

from bot.answering.retrieval import Fusion, Mode, Retriever
from indexer.dense import DenseIndex
from indexer.embedding import Embedder, EmbeddingCache, embed_with_cache
from indexer.sparse import SparseIndex

from .metrics import Qrels, evaluate


@dataclass
class BeirDataset:
    doc_ids: list[str]
    doc_texts: list[str]
    queries: dict[str, str]
    qrels: Qrels


class DatasetError(Exception):
    pass


def load_beir(folder: Path, split: str = "test") -> BeirDataset:
    folder = Path(folder)
    need = [folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / f"{split}.tsv"]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        raise DatasetError(f"not a BEIR folder, missing: {', '.join(missing)}")
    ids, texts = [], []
    with open(need[0], encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{need[0]} line {n} is not JSON: {exc}") from exc
            ids.append(str(d["_id"]))
            texts.append(f"{d.get('title') or ''} {d.get('text') or ''}".strip())
    queries = {}
    with open(need[1], encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                q = json.loads(line)
                queries[str(q["_id"])] = q["text"]
    qrels: dict[str, dict[str, int]] = {}
    with open(need[2], encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        for row in reader:
            if len(row) < 3 or not row[2].lstrip("-").isdigit():
                continue  # header line
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    qrels = {q: rel for q, rel in qrels.items() if q in queries}
    return BeirDataset(ids, texts, queries, qrels)


def run_beir(folder: Path, modes: list[Mode], embedder: Embedder, cache_dir: Path,
             fusion: Fusion = "adaptive", alpha: float = 0.5, progress=None) -> dict:
    """Index the corpus (embeddings from the shared cache) and score each mode."""
    data = load_beir(folder)
    t0 = time.perf_counter()
    sparse = SparseIndex.build(data.doc_texts)
    vectors = None
    computed = 0
    if any(m != "bm25" for m in modes):
        cache = EmbeddingCache(Path(cache_dir) / embedder.model_id.replace("/", "_"))
        advance = progress("Embedding corpus", len(data.doc_texts)) if progress else None
        vectors, computed = embed_with_cache(embedder, cache, data.doc_texts, progress=advance)
    dense = DenseIndex.build(vectors, vectors.shape[1], hnsw_threshold=10**12) if vectors is not None else None
    retriever = Retriever(dense, sparse, embedder, glossary=None, fusion=fusion, alpha=alpha)
    index_seconds = time.perf_counter() - t0
    qids = list(data.qrels)
    qvecs = embedder.encode([data.queries[q] for q in qids]) if dense is not None else None
    results = {}
    for mode in modes:
        run = {}
        for i, q in enumerate(qids):
            hits = retriever.search(data.queries[q], k=100, mode=mode,
                                    query_vector=None if qvecs is None else qvecs[i])
            run[q] = [data.doc_ids[h.row] for h in hits]
        results[mode] = evaluate(run, data.qrels)
    return {"dataset": str(folder), "documents": len(data.doc_ids), "fusion": fusion, "alpha": alpha,
            "embedded": computed, "index_seconds": round(index_seconds, 2), "results": results}
