"""Soft term matching (question words against the best units' words) on the fixture corpus, real model."""
import threading

import numpy as np

from bot.answering.knowledge import KnowledgeBase
from bot.answering.soft_match import FEATURES, SoftMatch

ASKED = "can calcium and phosphate be added one straight after the other"


def _row(kb, phrase):
    return next(i for i, u in enumerate(kb.live.snapshot.units.units) if phrase in u.text)


def test_token_vectors_come_from_the_same_pass_as_the_question_vector(kb):
    vec, tokens, ids = kb.embedder.encode_tokens([ASKED])[0]
    assert np.allclose(vec, kb.embedder.encode_query(ASKED), atol=1e-5)
    assert len(tokens) == len(ids) > 5 and tokens.dtype == np.float16
    assert not set(ids.tolist()) & set(kb.embedder.model.tokenizer.all_special_ids)
    assert np.allclose(np.linalg.norm(tokens.astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_a_word_the_unit_does_not_echo_lowers_the_match(kb):
    soft = kb.live.answerer.features.soft
    row = _row(kb, "never added one straight after the other")
    _, tok, ids = kb.embedder.encode_tokens([ASKED])[0]
    _, tok2, ids2 = kb.embedder.encode_tokens(["can calcium and phosphate go in straight after the zyntrelix flush"])[0]
    near, far = soft.features(tok, ids, [row]), soft.features(tok2, ids2, [row])
    assert len(near) == len(FEATURES)
    assert near[FEATURES.index("soft_min_rare")] > far[FEATURES.index("soft_min_rare")]
    assert near[FEATURES.index("soft_worst_idf")] < far[FEATURES.index("soft_worst_idf")]
    assert soft.features(None, None, [row]) == [0.0] * 4 and soft.features(tok, ids, []) == [0.0] * 4


def test_warm_up_prepares_every_unit_in_the_background(built_env, embedder):
    fresh = KnowledgeBase(built_env, embedder=embedder, warm_up=True)
    live = fresh.live
    warmers = [t for t in threading.enumerate() if t.name == f"warm-{live.version}"]
    for t in warmers:
        t.join(120)
    units = live.snapshot.units.units
    assert len(live.answerer.features.soft._cache) == len(units)
    assert SoftMatch(embedder, units).warm() == len(units)
    stopped = threading.Event()
    stopped.set()
    assert SoftMatch(embedder, units).warm(stop=stopped) == 0  # a swapped-out snapshot's warm-up ends
    assert live.answerer.answer(ASKED).quotes  # answers still work on the warmed snapshot
