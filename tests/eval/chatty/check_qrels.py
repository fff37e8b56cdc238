#!/usr/bin/env python3
"""Sanity checks for the chatty BEIR set (queries.jsonl, qrels/test.tsv, corpus.jsonl).

Checks: every qrels corpus-id exists in corpus.jsonl; every qrels query-id exists
in queries.jsonl; every query has 1-3 qrels rows with at least one score-2 row;
scores are 1 or 2; no duplicate (query, doc) pairs; query length 35-120 words.
Prints summary counts. Exit code 1 on any failure.
"""
import csv
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    corpus_ids = {json.loads(l)["_id"] for l in (HERE / "corpus.jsonl").open(encoding="utf-8")}
    queries = [json.loads(l) for l in (HERE / "queries.jsonl").open(encoding="utf-8")]
    qids = [q["_id"] for q in queries]
    errors = []
    if len(qids) != len(set(qids)):
        errors.append("duplicate query ids")

    rels = defaultdict(list)
    with (HERE / "qrels" / "test.tsv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader)
        if header != ["query-id", "corpus-id", "score"]:
            errors.append(f"bad header: {header}")
        for row in reader:
            qid, cid, score = row[0], row[1], int(row[2])
            if cid not in corpus_ids:
                errors.append(f"{qid}: unknown corpus-id {cid}")
            if qid not in set(qids):
                errors.append(f"unknown query-id {qid}")
            if score not in (1, 2):
                errors.append(f"{qid}: bad score {score}")
            if any(c == cid for c, _ in rels[qid]):
                errors.append(f"{qid}: duplicate row for {cid}")
            rels[qid].append((cid, score))

    lengths = []
    for q in queries:
        r = rels.get(q["_id"], [])
        if not 1 <= len(r) <= 3:
            errors.append(f"{q['_id']}: {len(r)} qrels rows (want 1-3)")
        if not any(s == 2 for _, s in r):
            errors.append(f"{q['_id']}: no score-2 row")
        n = len(q["text"].split())
        lengths.append(n)
        if not 35 <= n <= 120:
            errors.append(f"{q['_id']}: {n} words (want 35-120)")

    rows = sum(len(v) for v in rels.values())
    docs = {c for v in rels.values() for c, _ in v}
    docs2 = {c for v in rels.values() for c, s in v if s == 2}
    print(f"queries: {len(queries)}")
    print(f"qrels rows: {rows} (score 2: {sum(s == 2 for v in rels.values() for _, s in v)}, "
          f"score 1: {sum(s == 1 for v in rels.values() for _, s in v)})")
    print(f"distinct corpus documents in qrels: {len(docs)} (as score 2: {len(docs2)}) of {len(corpus_ids)}")
    print(f"query length in words: mean {statistics.mean(lengths):.1f}, "
          f"median {statistics.median(lengths)}, min {min(lengths)}, max {max(lengths)}")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
