"""Metrics against a hand-computed example."""
import math

import pytest

from bot.answering.evaluation.metrics import evaluate, mrr_at, ndcg_at, recall_at


def test_hand_computed_example():
    qrels = {"q1": {"d1": 1, "d3": 1}, "q2": {"d9": 2}}
    run = {"q1": ["d2", "d1", "d4", "d3"], "q2": ["d9"]}
    # q1: DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068; IDCG = 1 + 1/log2(3) = 1.63093
    q1 = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at(run["q1"], qrels["q1"], 10) == pytest.approx(q1) == pytest.approx(0.65092, abs=1e-5)
    assert ndcg_at(run["q2"], qrels["q2"], 10) == 1.0
    assert recall_at(run["q1"], qrels["q1"], 2) == 0.5
    assert mrr_at(run["q1"], qrels["q1"], 10) == 0.5
    m = evaluate(run, qrels)
    assert m["ndcg@10"] == pytest.approx((q1 + 1) / 2)
    assert m["recall@10"] == 1.0 and m["mrr@10"] == pytest.approx(0.75) and m["queries"] == 2


def test_cutoff_and_missing_queries():
    qrels = {"q1": {"d1": 1}, "q2": {"d2": 1}}
    run = {"q1": [f"x{i}" for i in range(10)] + ["d1"]}
    m = evaluate(run, qrels)
    assert m["ndcg@10"] == 0.0 and m["recall@100"] == 0.5
