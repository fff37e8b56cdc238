"""Do held-out questions that nearly repeat a development question score higher than the rest?

    .venv/bin/python scripts/experiments/copy_overlap.py tests/eval/heldout9.yaml tests/eval/heldout10.yaml ...

Answers each set with the live index and the shipped answer model (as `techserv eval --folds 0`), and prints the
answer measures split by how close each question's words come to a development question (the largest word-set
overlap, Jaccard, as `question_audit.near_copies`). The known questions and the tuned encoder learn from every
development question, so a held-out question that repeats one measures memory more than reading. Also prints
"fact & section": the fact quoted AND the first unit from a listed place, which a loose fact regex cannot pass on
an unrelated quote.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.evaluation.fit import apply, collect  # noqa: E402
from bot.answering.evaluation.question_audit import nearest, words  # noqa: E402
from bot.answering.evaluation.questions import load_questions, summarise  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.config import Settings  # noqa: E402

BINS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 1.01))
KEYS = ("fact_in_answer", "first_unit_from_expected_section", "answered_rate_answerable", "decline_rate_unanswerable")


def line(label: str, rows: list[dict]) -> str:
    m = summarise(rows)
    ans = [r for r in rows if r["answerable"]]
    both = sum(r["fact_in_answer"] and r["first_unit_section"] for r in ans) / len(ans) if ans else float("nan")
    return (f"  {label:14s} n={len(rows):4d} (answerable {len(ans):4d}) | "
            + " / ".join(f"{m[k]:.3f}" if m[k] is not None else "  -  " for k in KEYS) + f" | {both:.3f}")


def main() -> int:
    dev = [(words(q["question"]), q) for q in load_questions(ROOT / "tests" / "eval" / "questions.yaml")]
    answerer = KnowledgeBase(Settings()).live.answerer
    for path in map(Path, sys.argv[1:]):
        questions = load_questions(path)
        rows = [apply(e, answerer) for e in collect(answerer, questions)]
        near = [nearest(q["question"], dev)[0] for q in questions]
        print(f"{path.name}: fact / section / answered / declined | fact & section")
        print(line("all", rows))
        for lo, hi in BINS:
            print(line(f"overlap {lo:.1f}-{min(hi, 1):.1f}", [r for r, o in zip(rows, near) if lo <= o < hi]))
        print(line("below 0.8", [r for r, o in zip(rows, near) if o < 0.8]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
