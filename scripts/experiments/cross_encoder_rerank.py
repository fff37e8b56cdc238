"""Experiment (not used by the product): does a cross-encoder rerank the answer units better?

    .venv/bin/python scripts/experiments/cross_encoder_rerank.py --fold 0 --epochs 3 --lr 1e-4

all-MiniLM-L6-v2 (the only model on this machine) gets a linear head and is fine-tuned as a cross-encoder
(question, "section. context unit") on the development questions outside one of the five folds that
`scripts/fit_answer_model.py` uses: each training question's group is one correct unit and the 7 best-scored
wrong ones by the listwise ranker fitted on the same questions, softmax loss. It then reranks the listwise
ranker's top 10 for the held-out fold and prints how often the first unit is a correct one (document,
section and fact), for the ranker alone, the cross-encoder alone and their standardised sums.

Measured 2026-12-04 on fold 0 (93 answerable questions, about 11 minutes on 2 cores): ranker alone 0.452,
cross-encoder alone 0.237 (2 epochs at 4e-5: 0.269), best sum 0.473 (+2 questions), which an untrained
head (``--epochs 0``) also reaches — noise, no gain worth its latency. A cross-encoder pretrained on a
passage-ranking set would be the next thing to try (none can be downloaded here):
``--cross-encoder FOLDER --epochs 0`` measures one as it is.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.answering.evaluation.fit import _fit_listwise, collect, fold_split, rankable  # noqa: E402
from bot.answering.evaluation.questions import fit_settings, load_questions  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.answering.model import AnswerModel  # noqa: E402
from bot.config import Settings  # noqa: E402
from indexer.build import BuildConfig, build_index  # noqa: E402
from indexer.embedding import resolve_model  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=ROOT / "tests" / "eval" / "questions.yaml")
    ap.add_argument("--fold", type=int, default=0, help="which of the 5 folds (seed 0) to hold out")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--top-k", type=int, default=10, help="how many of the ranker's units to rerank")
    ap.add_argument("--negatives", type=int, default=7)
    ap.add_argument("--cross-encoder", default="", help="start from these cross-encoder weights (a folder) "
                    "instead of all-MiniLM-L6-v2 with a new head; with --epochs 0 it is used as it is")
    ap.add_argument("--max-steps", type=int, default=0, help="stop training after this many steps (smoke test)")
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    base = Settings()
    s = fit_settings(base)
    build_index(BuildConfig(sources=[s.knowledge_dir], index_root=s.index_dir, cache_dir=base.cache_dir, model=s.model))
    answerer = KnowledgeBase(s, model=AnswerModel.default()).live.answerer
    examples = collect(answerer, load_questions(args.questions))
    units = answerer.units.units

    def text(row) -> str:
        u = units[int(row)]
        return f"{' > '.join(u.section)}. {u.context} {u.text}".strip()

    held = set(fold_split(len(examples))[args.fold])
    test = [examples[i] for i in sorted(held)]
    ranked = rankable([e for i, e in enumerate(examples) if i not in held])
    ranker = _fit_listwise(ranked, 0.1)
    groups = []
    for e in ranked:
        score = ranker.logit(e.cand.X)
        wrong = [j for j in np.argsort(-score) if e.labels[j] == 0][: args.negatives]
        groups.append((e.item["question"], [e.cand.rows[j] for j in np.where(e.labels > 0)[0]],
                       [e.cand.rows[j] for j in wrong]))

    torch.manual_seed(args.fold)
    random.seed(args.fold)
    path = args.cross_encoder or resolve_model(s.model)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    batches = [(epoch, b) for epoch in range(args.epochs) for b in range(0, len(groups), 2)]
    steps = max(1, len(batches))  # the learning-rate schedule's length; --max-steps only stops early
    batches = batches[: args.max_steps] if args.max_steps else batches
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: k / (0.1 * steps) if k < 0.1 * steps else max(0.0, (steps - k) / (0.9 * steps)))

    def encode(question: str, rows):
        return tok([question] * len(rows), [text(r) for r in rows], truncation="only_second", max_length=160,
                   padding=True, return_tensors="pt")

    model.train()
    t0 = time.time()
    for step, (epoch, b) in enumerate(batches, 1):
        if b == 0:
            random.shuffle(groups)
        loss = 0.0
        for question, right, wrong in groups[b:b + 2]:
            logits = model(**encode(question, [random.choice(right)] + wrong)).logits.squeeze(-1)
            loss = loss - torch.log_softmax(logits, 0)[0] / 2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(), sched.step(), opt.zero_grad()
        if step % 50 == 0:
            print(f"step {step}/{steps} (epoch {epoch + 1}) loss {float(loss):.3f} {time.time() - t0:.0f} s", flush=True)

    model.eval()
    rows = []
    with torch.inference_mode():
        for e in test:
            if e.cand is None or not e.answerable or not len(e.cand.rows):
                continue
            score = ranker.logit(e.cand.X)
            top = np.argsort(-score)[: args.top_k]
            ce = model(**encode(e.item["question"], [e.cand.rows[j] for j in top])).logits.squeeze(-1).numpy()
            rows.append((score[top], ce, e.labels[top]))

    def z(v):
        return (v - v.mean()) / (v.std() + 1e-9)

    print(f"fold {args.fold}: {len(rows)} answerable questions; first unit correct —")
    print(f"  ranker alone          {np.mean([lab[0] > 0 for _, _, lab in rows]):.3f}")
    print(f"  cross-encoder alone   {np.mean([lab[np.argmax(ce)] > 0 for _, ce, lab in rows]):.3f}")
    for a in (0.25, 0.5, 1.0):
        print(f"  ranker + {a:4} × CE    {np.mean([lab[np.argmax(z(r) + a * z(ce))] > 0 for r, ce, lab in rows]):.3f}")
    print(f"  a correct unit in the top {args.top_k}: {np.mean([lab.max() > 0 for _, _, lab in rows]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
