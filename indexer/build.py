"""The indexing pipeline: discover → parse → chunk → embed (cached) → FAISS + BM25 → publish."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .chunking import Chunk, Chunker
from .dense import DenseIndex
from .discover import SourceFile, discover
from .embedding import Embedder, EmbeddingCache, embed_with_cache, model_id, token_counter
from .tuned_encoder import TunedEmbedder, tuned_id
from .snapshot import FORMAT, load_chunks, publish, read_manifest, write_snapshot
from .sources import ParsedDocument, SourceError, parse_file
from .sparse import SparseIndex
from .unit_table import Embed, build_unit_table, load_units
from .units import Unit, UnitBuilder

PARSER_VERSION = 2  # bump when parsing/chunking output changes, so every document is re-chunked

# progress(stage description, total) → advance(n)
ProgressFactory = Callable[[str, int], Callable[[int], None]]


def _no_progress(_desc: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


@dataclass
class BuildConfig:
    sources: list[Path]
    index_root: Path
    cache_dir: Path
    model: str = "all-MiniLM-L6-v2"
    max_tokens: int = 200
    overlap_tokens: int = 40
    hnsw_threshold: int = 50_000
    keep_snapshots: int = 3

    def signature(self) -> dict:
        return {"model": model_id(self.model), "tuned": tuned_id(self.model), "max_tokens": self.max_tokens,
                "overlap_tokens": self.overlap_tokens, "parser_version": PARSER_VERSION,
                "hnsw_threshold": self.hnsw_threshold}


@dataclass
class BuildReport:
    version: str | None
    published: bool
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # chunks whose embedding had to be computed (not cached)
    embedded_units: int = 0  # answer units and section headings embedded (not cached)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unchanged(self) -> bool:
        return not self.published


Parsed = tuple[SourceFile, list[Chunk], list[Unit]]


def _parse_all(files: list[SourceFile], reuse: dict[str, tuple[list[Chunk], list[Unit]]], chunker_factory,
               progress: ProgressFactory) -> tuple[list[Parsed], list[dict]]:
    done: list[Parsed] = []
    errors: list[dict] = []
    chunker = None
    units = UnitBuilder()
    advance = progress("Parsing documents", len(files))
    for sf in files:
        if sf.rel in reuse:
            done.append((sf, *reuse[sf.rel]))
        else:
            try:
                doc: ParsedDocument = parse_file(sf.path, sf.rel)
                chunker = chunker or chunker_factory()
                chunks = chunker.run(doc)
                if not chunks:
                    raise SourceError("no indexable text after parsing")
                done.append((sf, chunks, units.run(doc)))
            except SourceError as exc:
                errors.append({"path": sf.rel, "sha256": sf.sha256, "reason": str(exc)})
        advance(1)
    return done, errors


def _dedupe(parsed: list[Parsed], errors: list[dict]) -> list[Parsed]:
    """Two files claiming one document id: the first (by path) wins, the other is reported."""
    owner: dict[str, str] = {}
    kept = []
    for sf, chunks, units in parsed:
        doc_id = chunks[0].doc_id
        if doc_id in owner:
            errors.append({"path": sf.rel, "sha256": sf.sha256,
                           "reason": f"duplicate document id {doc_id!r} (already in {owner[doc_id]}): "
                                     "give each document its own id"})
            continue
        owner[doc_id] = sf.rel
        kept.append((sf, chunks, units))
    return kept


def _cached_embed(embedder: Embedder, cache_dir: Path) -> Embed:
    """``embed(texts, progress)`` through this model's own folder of the embedding cache."""
    cache = EmbeddingCache(Path(cache_dir) / embedder.model_id.replace("/", "_"))
    return lambda texts, progress: embed_with_cache(embedder, cache, texts, progress=progress)


def build_index(cfg: BuildConfig, *, full: bool = False, embedder: Embedder | None = None,
                progress: ProgressFactory = _no_progress) -> BuildReport:
    """Build and publish a new snapshot; with nothing changed, publish nothing and embed nothing.

    Any exception before ``publish`` leaves the live snapshot untouched.
    """
    t0 = time.perf_counter()
    root = Path(cfg.index_root)
    root.mkdir(parents=True, exist_ok=True)
    files = discover(cfg.sources)
    prev = read_manifest(root)
    prev_files = {d["path"]: d["sha256"] for d in (prev or {}).get("documents", [])}
    prev_files.update({e["path"]: e.get("sha256") for e in (prev or {}).get("errors", [])})
    now_files = {f.rel: f.sha256 for f in files}
    # a snapshot written by another format version or with other settings is never reused
    same_settings = bool(prev) and prev.get("settings") == cfg.signature() and prev.get("format") == FORMAT
    report = BuildReport(version=prev["version"] if prev else None, published=False)
    report.added = sorted(set(now_files) - set(prev_files))
    report.removed = sorted(set(prev_files) - set(now_files))
    report.changed = sorted(p for p in set(now_files) & set(prev_files) if now_files[p] != prev_files[p])

    if not full and same_settings and prev_files == now_files:
        report.documents = len(prev["documents"])
        report.chunks = prev["counts"]["chunks"]
        report.errors = prev.get("errors", [])
        report.seconds = time.perf_counter() - t0
        return report

    reuse: dict[str, tuple[list[Chunk], list[Unit]]] = {}
    if not full and same_settings:
        by_path: dict[str, list[Chunk]] = defaultdict(list)
        units_by_path: dict[str, list[Unit]] = defaultdict(list)
        for c in load_chunks(root / prev["version"]):
            by_path[c.source_path].append(c)
        for u in load_units(root / prev["version"]):
            units_by_path[u.source_path].append(u)
        reuse = {p: (cs, units_by_path.get(p, [])) for p, cs in by_path.items() if now_files.get(p) == prev_files.get(p)}

    chunker_factory = lambda: Chunker(token_counter(cfg.model), cfg.max_tokens, cfg.overlap_tokens)  # noqa: E731
    parsed, errors = _parse_all(files, reuse, chunker_factory, progress)
    parsed = _dedupe(parsed, errors)
    chunks = [c for _, cs, _ in parsed for c in cs]
    units = [u for _, _, us in parsed for u in us]

    embedder = embedder or Embedder(cfg.model)
    embed = _cached_embed(embedder, cfg.cache_dir)
    texts = [c.index_text for c in chunks]
    vectors, computed = embed(texts, progress("Embedding chunks", len(texts)))
    tuned = None
    if tuned_id(cfg.model) and embedder.model_id == model_id(cfg.model):
        t_embedder = TunedEmbedder()
        tuned = (t_embedder.model_id, _cached_embed(t_embedder, cfg.cache_dir))
    unit_table, computed_units = build_unit_table(units, chunks, embed, progress, tuned)
    dim = vectors.shape[1] if len(chunks) else 384
    dense = DenseIndex.build(vectors, dim, hnsw_threshold=cfg.hnsw_threshold)
    sparse = SparseIndex.build(texts)
    built_at = dt.datetime.now(dt.timezone.utc)
    version = built_at.strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)
    docs = []
    for sf, cs, _ in parsed:
        c0 = cs[0]
        docs.append({"doc_id": c0.doc_id, "title": c0.title, "version": c0.version, "type": c0.doc_type,
                     "effective": c0.effective, "review_due": c0.review_due, "path": sf.rel,
                     "sha256": sf.sha256, "chunks": len(cs)})
    manifest = {
        "version": version, "built_at": built_at.isoformat(timespec="seconds"),
        "settings": cfg.signature(), "model": embedder.model_id, "dim": dim, "dense": dense.kind,
        "counts": {"documents": len(docs), "chunks": len(chunks), "units": len(units),
                   "errors": len(errors), "embedded": computed, "embedded_units": computed_units},
        "documents": docs, "errors": errors,
        "changes": {"added": report.added, "changed": report.changed, "removed": report.removed},
    }
    staging = root / f".building-{version}"
    try:
        write_snapshot(staging, manifest, chunks, dense, sparse, unit_table)
        publish(root, staging, version, keep=cfg.keep_snapshots)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.version, report.published = version, True
    report.documents, report.chunks, report.embedded = len(docs), len(chunks), computed
    report.embedded_units = computed_units
    report.errors = errors
    report.seconds = time.perf_counter() - t0
    return report


def report_json(report: BuildReport) -> str:
    return json.dumps({**report.__dict__, "unchanged": report.unchanged}, indent=2)
