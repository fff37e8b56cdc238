"""IR metrics as BEIR/pytrec_eval define them (binary or graded relevance, log2 discount)."""
from __future__ import annotations

import math
from typing import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]  # query id → doc id → relevance grade
Run = Mapping[str, Sequence[str]]  # query id → ranked doc ids


def ndcg_at(ranked: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in rel.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    relevant = {d for d, g in rel.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def mrr_at(ranked: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    for i, d in enumerate(ranked[:k]):
        if rel.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(run: Run, qrels: Qrels) -> dict[str, float]:
    """Mean nDCG@10, Recall@10, Recall@100 and MRR@10 over queries that have relevant documents."""
    qids = [q for q, rel in qrels.items() if any(g > 0 for g in rel.values())]
    if not qids:
        raise ValueError("no query has a relevant document in the qrels")
    sums = {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for q in qids:
        ranked, rel = run.get(q, []), qrels[q]
        sums["ndcg@10"] += ndcg_at(ranked, rel, 10)
        sums["recall@10"] += recall_at(ranked, rel, 10)
        sums["recall@100"] += recall_at(ranked, rel, 100)
        sums["mrr@10"] += mrr_at(ranked, rel, 10)
    return {name: total / len(qids) for name, total in sums.items()} | {"queries": len(qids)}
