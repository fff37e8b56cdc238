"""Fine-tune the tuned encoder (``indexer/tuned_encoder.py``) on a question set, and give every question its
tuned-encoder features from an encoder that never saw it.

Training data: per answerable question, (question, a correct unit, one of the ``HARD_NEGATIVES`` wrong candidates
the base model likes best, picked at random) for up to two correct units; loss: in-batch softmax over the batch's
units (the correct one against everyone else's and the hard negatives, scale 20), as sentence-transformers'
MultipleNegativesRankingLoss. ``NEGATIVES`` 3 (all three hard negatives in every tuple) scored better in stop 24
(tuned-cosine top-1 0.597 against 0.565 on 709 questions the encoder did not see) and is not the default yet: no
refit has had the time. Stop 25's 28-minute fold with it was mostly other jobs beside it: in stop 26 a fold with
``NEGATIVES`` 1 took 27 minutes beside CI and about 9 alone on 2 cores.
Only the top ``TRAIN_LAYERS`` transformer layers learn; the rest of all-MiniLM-L6-v2 stays as published.

Cross-fitting: the answer ranker must learn how far to trust the tuned similarity from questions the encoder
did not train on, or it would trust it as much as on its own training questions. ``cross_fit`` trains one
encoder per fold, gives each question the similarities of the encoder fitted without its fold, and then trains
the shipped encoder on every question.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path
from typing import Callable

import numpy as np

from indexer.units import embed_text

from .fit import Example, fold_split
from ..features import with_tuned

TRAIN_LAYERS = 4
EPOCHS = 2
LEARNING_RATE = 1e-4
BATCH = 32
SCALE = 20.0
HARD_NEGATIVES = 3
NEGATIVES = 1  # hard negatives per training tuple: 1 (picked at random from the HARD_NEGATIVES) or all of them
MAX_TRAIN_TOKENS = 128


def unit_texts(answerer) -> list[str]:
    """Each unit's text as the index embeds it."""
    titles = {c.doc_id: c.title for c in answerer.chunks}
    return [embed_text(u, titles.get(u.doc_id, "")) for u in answerer.units.units]


def triplets(examples: list[Example], texts: list[str], seed: int = 0) -> list[tuple[str, ...]]:
    """(question, correct unit, hard negative, …) per correct unit (up to two per question)."""
    rng = random.Random(seed)
    out = []
    for e in examples:
        if e.cand is None or not e.answerable or e.labels.sum() == 0:
            continue
        pos, neg = np.where(e.labels > 0)[0], np.where(e.labels == 0)[0]
        if not len(neg):
            continue
        hard = neg[np.argsort(-e.cand.dense[neg], kind="stable")[:HARD_NEGATIVES]]
        for p in pos[:2]:
            picked = [hard[rng.randrange(len(hard))]] if NEGATIVES == 1 else hard[:NEGATIVES]
            out.append((e.cand.question, texts[int(e.cand.rows[p])]) + tuple(texts[int(e.cand.rows[n])] for n in picked))
    return out


def trainable_names(model) -> list[str]:
    """The parameter names of the top ``TRAIN_LAYERS`` transformer layers (what is trained and shipped)."""
    n = len(model[0].auto_model.encoder.layer)
    keep = tuple(f"encoder.layer.{i}." for i in range(n - TRAIN_LAYERS, n))
    return [name for name, _ in model.named_parameters() if any(k in name for k in keep)]


def _bundled():
    """A fresh copy of the bundled all-MiniLM-L6-v2, on the CPU."""
    from sentence_transformers import SentenceTransformer

    from indexer.embedding import BUNDLED, resolve_model

    return SentenceTransformer(resolve_model(BUNDLED), device="cpu")


def finetune(trips: list[tuple[str, ...]], seed: int = 0, log: Callable[[str], None] = lambda s: None):
    """A fresh copy of the bundled model with its top layers trained on ``trips``."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = _bundled()
    names = set(trainable_names(model))
    params = []
    for name, p in model.named_parameters():
        p.requires_grad = name in names
        if p.requires_grad:
            params.append(p)
    full_length, model.max_seq_length = model.max_seq_length, MAX_TRAIN_TOKENS
    opt = torch.optim.AdamW(params, lr=LEARNING_RATE)
    steps = EPOCHS * ((len(trips) + BATCH - 1) // BATCH)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))

    def embed(texts: list[str]):
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    model.train()
    t0 = time.perf_counter()
    for epoch in range(EPOCHS):
        order = trips[:]
        rng.shuffle(order)
        total = 0.0
        for i in range(0, len(order), BATCH):
            b = order[i:i + BATCH]
            q, d = embed([t[0] for t in b]), embed([t[1] for t in b] + [n for t in b for n in t[2:]])
            loss = torch.nn.functional.cross_entropy(SCALE * q @ d.T, torch.arange(len(b)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        log(f"epoch {epoch + 1}/{EPOCHS}: loss {total / max(1, (len(order) + BATCH - 1) // BATCH):.3f} "
            f"({time.perf_counter() - t0:.0f} s)")
    model.eval()
    model.max_seq_length = full_length
    return model


def encode(model, texts: list[str]) -> np.ndarray:
    return model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                        show_progress_bar=False).astype(np.float32)


RECIPE = {"train_layers": TRAIN_LAYERS, "epochs": EPOCHS, "learning_rate": LEARNING_RATE, "batch": BATCH,
          "scale": SCALE, "hard_negatives": HARD_NEGATIVES, "negatives": NEGATIVES, "max_train_tokens": MAX_TRAIN_TOKENS}


def training_key(trips: list[tuple[str, ...]], texts: list[str], seed: int) -> str:
    """What an encoder training depends on: the recipe, the seed, its training tuples and the unit texts."""
    h = hashlib.sha256(json.dumps([RECIPE, seed, trips, texts], ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def _train(trips, texts, seed, log, cache: Path | None, name: str):
    """``finetune``, or the same training's layers from ``cache`` (a refit that changed only answer features)."""
    from indexer.tuned_encoder import load_layers, save_layers

    path = cache / f"{name}-{training_key(trips, texts, seed)}.npz" if cache else None
    if path is not None and path.exists():
        log(f"{name}: the same training's layers from {path}")
        model = _bundled()
        load_layers(model, path)
        model.eval()
        return model
    model = finetune(trips, seed, log)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_layers(model, trainable_names(model), path)
        load_layers(model, path)  # the float16 layers as kept: a later run from the cache gives the same features
    return model


def cross_fit(examples: list[Example], answerer, folds: int = 5, seed: int = 0, final: bool = True,
              log: Callable[[str], None] = lambda s: None,
              cache: Path | None = None) -> tuple[list[Example], object | None]:
    """The examples with out-of-fold tuned features, and (``final``) the encoder trained on all of them.
    ``cache``: a folder keeping each trained encoder's layers under the hash of what it trained on, so a refit
    whose training tuples did not change (new answer features, a new decline target) skips the training."""
    texts = unit_texts(answerer)
    out = list(examples)
    for f, test in enumerate(fold_split(len(examples), folds, seed)):
        held = set(test)
        log(f"fold {f + 1}/{folds}: training on {len(examples) - len(held)} questions")
        trips = triplets([e for i, e in enumerate(examples) if i not in held], texts, seed)
        model = _train(trips, texts, seed, log, cache, f"fold{f + 1}")
        V = encode(model, texts)
        todo = [i for i in test if examples[i].cand is not None and len(examples[i].cand.rows)]
        Q = encode(model, [examples[i].cand.question for i in todo]) if todo else np.zeros((0, V.shape[1]))
        for i, q in zip(todo, Q):
            e = examples[i]
            out[i] = Example(e.item, with_tuned(e.cand, V[e.cand.rows] @ q), e.labels, e.qv)
    if not final:
        return out, None
    log(f"final encoder: training on all {len(examples)} questions")
    return out, _train(triplets(examples, texts, seed), texts, seed, log, cache, "final")
