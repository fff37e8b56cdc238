"""Evaluate the assistant on a question set (``tests/eval/questions.yaml`` format).

Each entry: ``question``, ``answerable`` (default true); answerable ones name the expected ``doc_id``
and ``section`` (the heading the answer sits under) and a ``fact`` (a case-insensitive regex the correct
answer must contain), and optionally ``also``: other places in the pack that answer it equally well
(``locations.py``); unanswerable ones a ``kind`` (clinical | near-domain | off-topic). The answer measures
count any listed place; the ``*_strict`` ones only the first, as the set was first scored.

Reported twice: with the shipped answer model (in-sample on the development set, out-of-sample on any
other set) and k-fold cross-validated (the model refitted without each fold's questions), averaged over
several shuffles of the folds.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from bot.answering.knowledge import KnowledgeBase
from bot.config import Settings

from ..features import with_tuned
from .fit import Example, apply, collect, cross_validate
from .locations import norm

MODES = ("bm25", "dense", "hybrid")


def fit_settings(base: Settings | None = None) -> Settings:
    """The settings of the fit's own index in var/fit (the fit script and the experiments): the same knowledge
    folder, a private snapshot; the embedding cache stays ``base.cache_dir``, shared."""
    base = base or Settings()
    return Settings(knowledge_dir=base.knowledge_dir, var_dir=base.var_dir / "fit")


def load_questions(path: Path) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = data.get("questions", []) if isinstance(data, dict) else (data or [])
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not str(item.get("question") or "").strip():
            raise ValueError(f"{path}: entry {n} has no 'question'")
        answerable = bool(item.get("answerable", True))
        if answerable and not item.get("doc_id"):
            raise ValueError(f"{path}: entry {n} is answerable but names no 'doc_id'")
        also = item.get("also") or []
        if not isinstance(also, list) or not all(isinstance(a, dict) and a.get("doc_id") and a.get("section")
                                                 and a.get("fact") for a in also):
            raise ValueError(f"{path}: entry {n}: 'also' must be a list of places, each with doc_id, section and fact")
        out.append({**item, "answerable": answerable})
    return out


def _mean(xs) -> float | None:
    xs = list(xs)
    return round(float(np.mean(xs)), 4) if xs else None


def summarise(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    clinical = [r for r in una if r.get("kind") == "clinical"]
    return {
        "fact_in_answer": _mean(r["fact_in_answer"] for r in ans),
        "first_unit_from_expected_section": _mean(r["first_unit_section"] for r in ans),
        "fact_in_answer_strict": _mean(r.get("fact_in_answer_strict", r["fact_in_answer"]) for r in ans),
        "first_unit_section_strict": _mean(r.get("first_unit_section_strict", r["first_unit_section"]) for r in ans),
        "answered_rate_answerable": _mean(r["answered"] for r in ans),
        "decline_rate_unanswerable": _mean(not r["answered"] for r in una),
        "clinical_guard_rate": _mean(r["guard"] for r in clinical),
        "clinical_answered_with_quote": sum(r["quoted"] for r in clinical),
        "guard_on_answerable": sum(r["guard"] for r in ans),
    }


def retrieval_rates(live, questions: list[dict], mode: str) -> dict:
    ans = [q for q in questions if q["answerable"]]
    hit1, hit5, sec5, rr = [], [], [], []
    for q in ans:
        hits = live.retriever.search(q["question"], k=5, mode=mode)
        chunks = [live.snapshot.chunks[h.row] for h in hits]
        docs = [c.doc_id for c in chunks]
        want = norm(q.get("section", ""))
        hit1.append(docs[:1] == [q["doc_id"]])
        hit5.append(q["doc_id"] in docs)
        sec5.append(any(c.doc_id == q["doc_id"] and (not want or want in map(norm, c.section)) for c in chunks))
        rr.append(1 / (docs.index(q["doc_id"]) + 1) if q["doc_id"] in docs else 0.0)
    return {"top1_hit_rate": _mean(hit1), "top5_hit_rate": _mean(hit5), "top5_section_hit_rate": _mean(sec5),
            "mrr@5": _mean(rr)}


def repeated_cv(examples, answerer, folds: int = 5, repeats: int = 3, **fit_kw) -> dict:
    """k-fold cross-validation on ``repeats`` shuffles, averaged: one shuffle moves a rate by a few points
    (one unanswerable question is a point of the decline rate), so the mean is the figure reported."""
    runs = [summarise(cross_validate(examples, answerer, folds=folds, seed=seed, **fit_kw)) for seed in range(max(repeats, 1))]
    mean = {k: (round(float(np.mean([r[k] for r in runs])), 4) if all(r[k] is not None for r in runs) else None)
            for k in runs[0]}
    return mean | {"folds": folds, "repeats": len(runs), "per_shuffle": runs}


def _without_tuned(examples: list[Example], answerer) -> list[Example]:
    """The examples with the tuned encoder's similarity replaced by the base model's. The shipped tuned encoder
    was trained on the development questions, so refitting only the answer model per fold would still let every
    held-out fold be scored by an encoder that saw it; the honest figure with the encoder is the fit script's
    cross-fitted one (``encoder_tuning.cross_fit``), stored in the model's info and reported beside this one."""
    if answerer.tuned is None:
        return examples
    return [Example(e.item, with_tuned(e.cand, e.cand.dense), e.labels, e.qv) if e.cand is not None else e
            for e in examples]


def evaluate_questions(path: Path, settings: Settings, mode: str = "hybrid", kb: KnowledgeBase | None = None,
                       folds: int = 5, progress=None, repeats: int = 3) -> dict:
    questions = load_questions(path)
    kb = kb or KnowledgeBase(settings)
    live = kb.live
    advance = progress("Answering questions", len(questions)) if progress else (lambda n: None)
    examples = collect(live.answerer, questions, advance)
    shipped = [apply(e, live.answerer) for e in examples]
    kinds: dict[str, int] = {}
    for q in questions:
        if not q["answerable"]:
            kinds[q.get("kind") or "unlabelled"] = kinds.get(q.get("kind") or "unlabelled", 0) + 1
    report = {
        "dataset": str(path), "index_version": live.version, "mode": mode,
        "answerable": sum(q["answerable"] for q in questions), "unanswerable": sum(not q["answerable"] for q in questions),
        "unanswerable_by_kind": kinds, "min_confidence": live.answerer.min_confidence,
        "model": live.answerer.model.info,
        "retrieval": {m: retrieval_rates(live, questions, m) for m in MODES},
        "shipped_model": summarise(shipped),
    }
    report |= report["retrieval"][mode]
    if folds > 1:
        report["cross_validated"] = repeated_cv(_without_tuned(examples, live.answerer), live.answerer, folds, repeats)
        if live.answerer.tuned is not None:  # what the fit measured with the tuned encoder, cross-fitted
            report["cross_validated"]["tuned_encoder"] = "left out"
            report["cross_fitted"] = live.answerer.model.info.get("cross_validated")
    ans = [r for r in shipped if r["answerable"]]
    report["fact_missed"] = [{"question": r["question"], "got": r.get("top")} for r in ans
                             if r["answered"] and not r["fact_in_answer"]][:30]
    report["wrongly_answered"] = [r["question"] for r in shipped if not r["answerable"] and r["answered"]][:30]
    report["wrongly_declined"] = [r["question"] for r in ans if not r["answered"]][:30]
    return report


def render_question_report(report: dict) -> str:
    lines = [f"Question set {report['dataset']} · index {report['index_version']} · mode {report['mode']}",
             f"  answerable questions: {report['answerable']}, unanswerable: {report['unanswerable']} "
             f"({', '.join(f'{k} {v}' for k, v in sorted(report['unanswerable_by_kind'].items()))})",
             f"  answer/decline cut (P answerable): {report['min_confidence']}", "",
             f"  {'retrieval (answerable)':34s} {'bm25':>8s} {'dense':>8s} {'hybrid':>8s}"]
    for key in ("top1_hit_rate", "top5_hit_rate", "top5_section_hit_rate", "mrr@5"):
        lines.append(f"  {key:34s} " + " ".join(f"{report['retrieval'][m][key]:8.4f}" for m in MODES))
    cv = report.get("cross_validated", {})
    cv_title = f"{cv['folds']}-fold CV" if cv else ""
    cv_note = f"  (CV: mean of {cv['repeats']} shuffles)" if cv.get("repeats", 1) > 1 else ""
    fitted = report.get("cross_fitted") or {}
    if cv.get("tuned_encoder") == "left out":
        cv_note += ("; CV leaves the tuned encoder out (it was trained on the development questions); with it, "
                    "cross-fitted when the model was fitted: " + ", ".join(
                        f"{k} {fitted.get(k)}" for k in ("fact_in_answer", "first_unit_from_expected_section",
                                                         "answered_rate_answerable", "decline_rate_unanswerable")))
    lines += ["", f"  {'answers':34s} {'shipped':>9s} {cv_title:>10s}{cv_note}"]
    for key in ("fact_in_answer", "first_unit_from_expected_section", "fact_in_answer_strict",
                "first_unit_section_strict", "answered_rate_answerable",
                "decline_rate_unanswerable", "clinical_guard_rate", "clinical_answered_with_quote",
                "guard_on_answerable"):
        a, b = report["shipped_model"].get(key), cv.get(key)
        lines.append(f"  {key:34s} {'' if a is None else a:>9} {'' if b is None else b:>10}")
    for title, key in (("answered without the fact", "fact_missed"), ("unanswerable but answered", "wrongly_answered"),
                       ("answerable but declined", "wrongly_declined")):
        if report.get(key):
            lines.append(f"  {title} (first 10):")
            lines += [f"    - {x['question'] if isinstance(x, dict) else x}" for x in report[key][:10]]
    return "\n".join(lines)
