"""Re-score the fit's cross-fitted examples against another version of the question set, without refitting.

    .venv/bin/python scripts/fit_answer_model.py --save-examples var/examples.pkl      # once (the fit)
    .venv/bin/python scripts/experiments/rescore_cv.py var/examples.pkl [QUESTIONS.yaml]

Each example keeps what was fitted (its candidates, its labels from the question's own place, its cross-fitted
similarities); only the entry it is measured against is replaced by the entry with the same id in QUESTIONS.yaml
(default: tests/eval/questions.yaml as it is now), so a change of `fact` regexes or `also` places is measured on
the same model. Runs the fit's CV (5 folds, 3 shuffles, the shipped model's settings) and prints its figures.
Needs the fit's own index in var/fit, as the fit left it.
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.evaluation.questions import fit_settings, load_questions, repeated_cv  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.answering.model import AnswerModel  # noqa: E402


def main() -> int:
    examples = pickle.loads(Path(sys.argv[1]).read_bytes())
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "eval" / "questions.yaml"
    entries = {q["id"]: q for q in load_questions(path)}
    missing = [e.item.get("id") for e in examples if e.item.get("id") not in entries]
    if missing:
        print(f"{len(missing)} examples have no entry in {path} (e.g. {missing[:5]}); fit and set differ")
        return 1
    changed = sum(entries[e.item["id"]] != e.item for e in examples)
    examples = [dataclasses.replace(e, item=entries[e.item["id"]]) for e in examples]
    answerer = KnowledgeBase(fit_settings(), model=AnswerModel.default()).live.answerer
    cv = repeated_cv(examples, answerer, 5, 3)  # fit()'s defaults: the fit script's, the shipped model's settings
    print(f"{len(examples)} examples, {changed} measured against a changed entry ({path}):")
    for k, v in cv.items():
        if k != "per_shuffle":
            print(f"  {k:34s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
