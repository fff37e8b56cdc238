"""`make bench`: indexing throughput, warm query latency at 1k/10k/100k chunks, re-index time, the
dashboard's cohort matrix (500 people × 70 competencies), memory.

Scale runs use synthetic chunks: texts are shuffled word samples of the SciFact corpus (or the
knowledge pack when SciFact is absent) and vectors are real embeddings of those sources plus noise,
so BM25 postings and FAISS neighbourhoods have realistic shapes without embedding 100k texts.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from bot.answering.retrieval import Retriever  # noqa: E402
from bot.config import Settings  # noqa: E402
from indexer.build import BuildConfig, build_index  # noqa: E402
from indexer.dense import DenseIndex  # noqa: E402
from indexer.embedding import Embedder  # noqa: E402
from indexer.sparse import SparseIndex  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCIFACT = ROOT.parent / "shared" / "benchmarks" / "scifact"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def bench_indexing(embedder: Embedder) -> dict:
    """Cold build of knowledge/ (nothing cached), then an unchanged re-run."""
    s = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="techserv-bench-"))
    try:
        cfg = BuildConfig(sources=[s.knowledge_dir], index_root=tmp / "index", cache_dir=tmp / "cache",
                          model=s.model, max_tokens=s.chunk_tokens, overlap_tokens=s.chunk_overlap)
        t = time.perf_counter()
        cold = build_index(cfg, embedder=embedder)
        cold_s = time.perf_counter() - t
        t = time.perf_counter()
        again = build_index(cfg, embedder=Embedder(s.model))
        warm_s = time.perf_counter() - t
        return {"documents": cold.documents, "chunks": cold.chunks, "units": cold.embedded_units,
                "cold_build_s": round(cold_s, 2),
                "chunks_per_s": round(cold.chunks / cold_s, 1), "unchanged_rebuild_s": round(warm_s, 3),
                "unchanged_rebuild_published": again.published}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def source_texts(limit: int = 6000) -> list[str]:
    if (SCIFACT / "corpus.jsonl").exists():
        out = []
        with open(SCIFACT / "corpus.jsonl") as fh:
            for line in fh:
                d = json.loads(line)
                out.append(f"{d.get('title', '')} {d['text']}")
                if len(out) >= limit:
                    break
        return out
    return [p.read_text() for p in (ROOT / "knowledge").rglob("*.md")]


def queries(limit: int = 200) -> list[str]:
    if (SCIFACT / "queries.jsonl").exists():
        with open(SCIFACT / "queries.jsonl") as fh:
            return [json.loads(line)["text"] for line in fh][:limit]
    return ["what are the particle limits for grade B in operation", "how often do i change gloves"] * 50


def synthetic(n: int, base_texts: list[str], base_vecs: np.ndarray, rng) -> tuple[list[str], np.ndarray]:
    words = [t.split() for t in base_texts]
    texts, picks = [], rng.integers(0, len(base_texts), n)
    for i in picks:
        w = words[i]
        k = min(len(w), 150)
        texts.append(" ".join(rng.choice(w, size=k, replace=False)) if k else "empty")
    vecs = base_vecs[picks] + 0.35 * rng.standard_normal((n, base_vecs.shape[1])).astype(np.float32) / np.sqrt(base_vecs.shape[1])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return texts, vecs.astype(np.float32)


def bench_latency(embedder: Embedder, sizes: list[int], hnsw_threshold: int) -> list[dict]:
    rng = np.random.default_rng(7)
    base = source_texts()
    from indexer.embedding import EmbeddingCache, embed_with_cache

    cache = EmbeddingCache(Settings().cache_dir / embedder.model_id)
    base_vecs, _ = embed_with_cache(embedder, cache, base)
    qs = queries()
    results = []
    for n in sizes:
        texts, vecs = synthetic(n, base, base_vecs, rng)
        t = time.perf_counter()
        sparse = SparseIndex.build(texts)
        dense = DenseIndex.build(vecs, vecs.shape[1], hnsw_threshold=hnsw_threshold)
        build_s = time.perf_counter() - t
        r = Retriever(dense, sparse, embedder)
        for q in qs[:10]:  # warm-up
            r.search(q, k=10)
        lat, enc = [], []
        for q in qs:
            t0 = time.perf_counter()
            qv = embedder.encode_query(q)
            t1 = time.perf_counter()
            r.search(q, k=10, query_vector=qv)
            t2 = time.perf_counter()
            lat.append((t2 - t0) * 1000)
            enc.append((t1 - t0) * 1000)
        results.append({"chunks": n, "dense": dense.kind, "index_build_s": round(build_s, 1),
                        "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
                        "query_embed_p50_ms": round(statistics.median(enc), 1), "queries": len(qs)})
        print(f"  {n:>7,} chunks ({dense.kind}, built in {build_s:.1f} s): hybrid search p50 {results[-1]['p50_ms']} ms, "
              f"p95 {results[-1]['p95_ms']} ms (query embedding p50 {results[-1]['query_embed_p50_ms']} ms)", flush=True)
        del sparse, dense, r
    return results


def bench_answers(embedder: Embedder) -> dict | None:
    """End-to-end answer latency (scope guard, search, unit features, ranking, decline) on the live knowledge
    index, over the development question set (warm: the first question is not timed)."""
    from bot.answering.knowledge import KnowledgeBase
    from indexer.snapshot import SnapshotError

    kb = KnowledgeBase(Settings(), embedder=embedder)
    try:
        live = kb.live
    except SnapshotError:
        return None
    import yaml

    qs = [q["question"] for q in yaml.safe_load((ROOT / "tests" / "eval" / "questions.yaml").read_text(encoding="utf-8"))]
    live.answerer.answer(qs[0])

    def timed() -> list[float]:
        lat = []
        for q in qs:
            t = time.perf_counter()
            live.answerer.answer(q)
            lat.append((time.perf_counter() - t) * 1000)
        return lat

    cold = timed()  # unit token vectors (soft match) computed as questions need them, as just after a load
    t = time.perf_counter()
    live.answerer.features.soft.warm()  # what a service does in the background after loading a snapshot
    warm_s = time.perf_counter() - t
    lat = timed()
    return {"chunks": len(live.snapshot.chunks), "units": len(live.snapshot.units.units), "questions": len(qs),
            "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
            "cold_p50_ms": round(pct(cold, 50), 1), "cold_p95_ms": round(pct(cold, 95), 1), "warm_up_s": round(warm_s, 1)}


QUESTIONS = ["what are the particle limits for grade B in operation", "how often do i change gloves in the isolator",
             "mo99 breakthrough limit", "order of addition for calcium in PN", "what goes in a cytotoxic spill kit",
             "how long can settle plates be left out", "who releases section 10 products"]


def bench_service(embedder: Embedder, seconds: float = 10.0) -> dict | None:
    """Answers per second through the conversation core (2 worker threads), and what a question in
    flight sees while the live index is hot-swapped to a new snapshot."""
    import threading

    from bot.answering.knowledge import KnowledgeBase
    from bot.conversation import Conversation
    from bot.messages import Incoming
    from indexer.snapshot import SnapshotError

    s = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="techserv-swap-"))
    try:
        if not (s.index_dir / "CURRENT").exists():
            return None
        shutil.copytree(s.index_dir, tmp / "index")
        shutil.copytree(s.cache_dir, tmp / "cache" / "embeddings", dirs_exist_ok=True)
        local = Settings(var_dir=tmp)
        kb = KnowledgeBase(local, embedder=embedder)
        try:
            kb.live
        except SnapshotError:
            return None
        conv = Conversation(kb, local)

        def worker(stop, out):
            n = 0
            while not stop.is_set():
                t = time.perf_counter()
                conv.handle(Incoming(text=QUESTIONS[n % len(QUESTIONS)], user_id="bench"))
                out.append((t, time.perf_counter()))
                n += 1

        stop, lat = threading.Event(), []
        threads = [threading.Thread(target=worker, args=(stop, lat)) for _ in range(2)]
        [t.start() for t in threads]
        time.sleep(seconds)
        stop.set()
        [t.join() for t in threads]
        rate = len(lat) / seconds
        base = [(b - a) * 1000 for a, b in lat]
        # a second snapshot (embeddings cached), then swap while two threads keep asking
        cfg = BuildConfig(sources=[s.knowledge_dir], index_root=local.index_dir, cache_dir=local.cache_dir,
                          model=s.model, max_tokens=s.chunk_tokens, overlap_tokens=s.chunk_overlap)
        build_index(cfg, full=True, embedder=embedder)
        stop, lat = threading.Event(), []
        threads = [threading.Thread(target=worker, args=(stop, lat)) for _ in range(2)]
        [t.start() for t in threads]
        time.sleep(1.0)
        t0 = time.perf_counter()
        kb.reload()
        t1 = time.perf_counter()
        time.sleep(1.0)
        stop.set()
        [t.join() for t in threads]
        during = [(b - a) * 1000 for a, b in lat if a <= t1 and b >= t0]
        return {"answers_per_s": round(rate, 1), "answer_p95_ms": round(pct(base, 95), 1),
                "swap_load_ms": round((t1 - t0) * 1000, 1), "in_flight_during_swap": len(during),
                "in_flight_max_ms": round(max(during), 1) if during else None}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated chunk counts")
    ap.add_argument("--hnsw-threshold", type=int, default=Settings().hnsw_threshold)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = ap.parse_args()
    from bot.answering.blas import single_blas_thread

    single_blas_thread()  # as in every process that answers (the knowledge base sets it): see bot/answering/blas.py
    embedder = Embedder(Settings().model)
    print(f"Machine: {machine()}")
    print("Indexing knowledge/ from cold (no embedding cache):", flush=True)
    idx = bench_indexing(embedder)
    print(f"  {idx['documents']} documents, {idx['chunks']} chunks (+{idx['units']} answer units and headings embedded) "
          f"in {idx['cold_build_s']} s = {idx['chunks_per_s']} chunks/s end to end; "
          f"unchanged re-index {idx['unchanged_rebuild_s']} s")
    print("Warm query latency (query embedding + BM25 + FAISS + fusion):", flush=True)
    lat = bench_latency(embedder, [int(x) for x in args.sizes.split(",")], args.hnsw_threshold)
    ans = bench_answers(embedder)
    if ans:
        print(f"Answer latency on the live knowledge index ({ans['chunks']} chunks, {ans['units']} answer units, "
              f"{ans['questions']} development questions): p50 {ans['p50_ms']} ms, p95 {ans['p95_ms']} ms "
              f"(soft-match vectors ready; just after a load, before the background warm-up ({ans['warm_up_s']} s) "
              f"has run: p50 {ans['cold_p50_ms']} ms, p95 {ans['cold_p95_ms']} ms)")
    svc = bench_service(embedder)
    if svc:
        print(f"Sustained through the conversation core (2 threads, 2 cores): {svc['answers_per_s']} answers/s, "
              f"p95 {svc['answer_p95_ms']} ms")
        print(f"Hot swap: new snapshot loaded aside in {svc['swap_load_ms']} ms; {svc['in_flight_during_swap']} "
              f"question(s) in flight during it, slowest {svc['in_flight_max_ms']} ms, none failed")
    print("Dashboard (real app under uvicorn, SQLite):", flush=True)
    from benchmarks.dashboard import bench_matrix, report

    dash = bench_matrix()
    print(report(dash))
    print(f"Peak memory (RSS): {peak_rss_mib():.0f} MiB")
    if args.json:
        print(json.dumps({"machine": machine(), "indexing": idx, "latency": lat, "answers": ans, "service": svc,
                          "dashboard": dash, "peak_rss_mib": round(peak_rss_mib())}, indent=2))


if __name__ == "__main__":
    main()
