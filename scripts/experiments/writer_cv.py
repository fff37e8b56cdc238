"""How much worse is a new writer's question? Cross-validation that holds out whole writers, beside random folds.

    .venv/bin/python scripts/fit_answer_model.py --save-examples var/fit/examples.pkl   # cross-fitted examples
    .venv/bin/python scripts/experiments/writer_cv.py var/fit/examples.pkl [decline targets…]

Prints the answer measures of one 5-fold CV with random folds (what the fit reports, shuffle 0) and one with folds
that never split a writer's questions (``fit.writer_split``), per decline target. ``WITHOUT_TUNED=1``: the tuned
encoder's features replaced by the base model's (for examples from ``collect_examples.py``).

Measured in stop 25 (2,037 questions, without the tuned encoder), fact / section / answered / declined:
random folds 0.728 / 0.734 / 0.912 / 0.961; by writer 0.741 / 0.752 / 0.927 / 0.949. Two changes were tried
and not shipped: choosing the cut on inner folds by writer (by-writer CV 0.734 / 0.744 / 0.914 / 0.961: a higher
cut, fewer answered; random CV 0.724 / 0.731 / 0.911 / 0.959), and reading each training question's known-question
features without its whole writer rather than without itself (by writer 0.741 / 0.752 / 0.924 / 0.943; random
0.731 / 0.739 / 0.915 / 0.959).
"""
from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.evaluation.fit import cross_validate  # noqa: E402
from bot.answering.evaluation.questions import fit_settings, summarise  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.answering.model import AnswerModel  # noqa: E402

KEYS = ("fact_in_answer", "first_unit_from_expected_section", "answered_rate_answerable", "decline_rate_unanswerable",
        "clinical_answered_with_quote")


def main() -> int:
    examples = pickle.loads(Path(sys.argv[1]).read_bytes())
    targets = [float(x) for x in sys.argv[2:]] or [0.95]
    s = fit_settings()
    answerer = KnowledgeBase(s, model=AnswerModel.default()).live.answerer
    if os.environ.get("WITHOUT_TUNED"):
        from bot.answering.evaluation.questions import _without_tuned

        examples = _without_tuned(examples, answerer)
    print("folds      target | " + " / ".join(KEYS))
    for by_writer in (False, True):
        for target in targets:
            rows = cross_validate(examples, answerer, folds=5, seed=0, by_writer=by_writer, target=target)
            m = summarise(rows)
            print(f"{'by writer' if by_writer else 'random':10s} {target:.3f} | " + " / ".join(str(m[k]) for k in KEYS),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
