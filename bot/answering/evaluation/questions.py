"""Evaluate the assistant on a question set (``tests/eval/questions.yaml`` format).

Each entry: ``question``, ``answerable`` (default true), and for answerable ones the expected
``doc_id`` and ``section`` (the heading the answer sits under).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from bot.answering.knowledge import KnowledgeBase
from bot.config import Settings


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
        out.append({**item, "answerable": answerable})
    return out


def _norm(s: str) -> str:
    return " ".join(str(s).lower().split())


def best_threshold(pos: list[float], neg: list[float]) -> float:
    """The confidence cut that maximises answered-answerable rate + declined-unanswerable rate."""
    if not pos or not neg:
        return float("nan")
    cuts = sorted(set(pos + neg))
    best, best_j = cuts[0], -1.0
    for lo, hi in zip(cuts, cuts[1:] + [cuts[-1] + 0.02]):
        t = (lo + hi) / 2
        j = np.mean([p >= t for p in pos]) + np.mean([n < t for n in neg])
        if j > best_j:
            best, best_j = t, j
    return round(float(best), 3)


def evaluate_questions(path: Path, settings: Settings, mode: str = "hybrid", kb: KnowledgeBase | None = None) -> dict:
    questions = load_questions(path)
    kb = kb or KnowledgeBase(settings)
    live = kb.live
    rows = []
    for q in questions:
        result = live.answerer.answer(q["question"]) if mode == "hybrid" else None
        hits = result.hits if result else live.retriever.search(q["question"], k=5, mode=mode)
        chunks = [live.snapshot.chunks[h.row] for h in hits[:5]]
        docs = [c.doc_id for c in chunks]
        row = {"question": q["question"], "answerable": q["answerable"],
               "confidence": result.confidence if result else None,
               "answered": result.answered if result else None, "top": docs[:5]}
        if q["answerable"]:
            want_doc, want_sec = q["doc_id"], _norm(q.get("section", ""))
            row["hit1"] = bool(docs[:1] == [want_doc])
            row["hit5"] = want_doc in docs
            row["section_hit5"] = any(c.doc_id == want_doc and (not want_sec or want_sec in map(_norm, c.section))
                                      for c in chunks)
            row["rank"] = docs.index(want_doc) + 1 if want_doc in docs else None
            row["quoted_expected_doc"] = bool(result and result.answered and any(
                qt.citation.doc_id == want_doc for qt in result.quotes))
            first = result.quotes[0].citation if result and result.quotes else None
            row["first_quote_section"] = bool(first and first.doc_id == want_doc and want_sec in
                                              map(_norm, first.section.split(" > ")))
        rows.append(row)
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    mean = lambda xs: round(float(np.mean(xs)), 4) if xs else None  # noqa: E731
    report = {
        "dataset": str(path), "index_version": live.version, "mode": mode,
        "answerable": len(ans), "unanswerable": len(una),
        "top1_hit_rate": mean([r["hit1"] for r in ans]),
        "top5_hit_rate": mean([r["hit5"] for r in ans]),
        "top5_section_hit_rate": mean([r["section_hit5"] for r in ans]),
        "mrr@5": mean([1 / r["rank"] if r["rank"] else 0.0 for r in ans]),
    }
    if mode == "hybrid":
        report |= {
            "min_confidence": settings.min_confidence,
            "answered_rate_answerable": mean([r["answered"] for r in ans]),
            "correct_quote_rate_answerable": mean([r["quoted_expected_doc"] for r in ans]),
            "first_quote_from_expected_section": mean([r["first_quote_section"] for r in ans]),
            "decline_rate_unanswerable": mean([not r["answered"] for r in una]),
        }
        cut = best_threshold([r["confidence"] for r in ans], [r["confidence"] for r in una])
        report |= {
            "suggested_min_confidence": cut,
            "answered_rate_at_suggested": mean([r["confidence"] >= cut for r in ans]),
            "decline_rate_at_suggested": mean([r["confidence"] < cut for r in una]),
        }
        # honest estimate: 2-fold cross-validation (a cut chosen on one half, applied to the other)
        answered, declined = [], []
        for fold in (0, 1):
            fit = [r for n, r in enumerate(rows) if n % 2 == fold]
            held = [r for n, r in enumerate(rows) if n % 2 != fold]
            c = best_threshold([r["confidence"] for r in fit if r["answerable"]],
                               [r["confidence"] for r in fit if not r["answerable"]])
            answered += [r["confidence"] >= c for r in held if r["answerable"]]
            declined += [r["confidence"] < c for r in held if not r["answerable"]]
        report |= {"cv_answered_rate": mean(answered), "cv_decline_rate": mean(declined)}
    report["misses"] = [{"question": r["question"], "top": r["top"][:3]} for r in ans if not r["hit5"]][:30]
    report["wrongly_answered"] = [r["question"] for r in una if r.get("answered")][:30]
    return report


def render_question_report(report: dict) -> str:
    lines = [f"Question set {report['dataset']} · index {report['index_version']} · mode {report['mode']}",
             f"  answerable questions: {report['answerable']}, unanswerable: {report['unanswerable']}"]
    for key in ("top1_hit_rate", "top5_hit_rate", "top5_section_hit_rate", "mrr@5", "answered_rate_answerable",
                "correct_quote_rate_answerable", "first_quote_from_expected_section", "decline_rate_unanswerable", "min_confidence",
                "suggested_min_confidence", "answered_rate_at_suggested", "decline_rate_at_suggested",
                "cv_answered_rate", "cv_decline_rate"):
        if report.get(key) is not None:
            lines.append(f"  {key:32s} {report[key]}")
    if report["misses"]:
        lines.append("  misses (expected document not in top 5):")
        lines += [f"    - {m['question']}  → {', '.join(m['top'])}" for m in report["misses"][:10]]
    if report.get("wrongly_answered"):
        lines.append("  unanswerable questions that were answered:")
        lines += [f"    - {q}" for q in report["wrongly_answered"][:10]]
    return "\n".join(lines)
