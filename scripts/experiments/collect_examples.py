"""Answer the development questions once and pickle the examples (no encoder cross-fitting: run
writer_cv.py on them with WITHOUT_TUNED=1). Uses the fit script's index in var/fit.

    .venv/bin/python scripts/experiments/collect_examples.py var/fit/examples-untuned.pkl
"""
from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.evaluation.fit import collect  # noqa: E402
from bot.answering.evaluation.questions import fit_settings, load_questions  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.answering.model import AnswerModel  # noqa: E402


def main() -> int:
    s = fit_settings()
    answerer = KnowledgeBase(s, model=AnswerModel.default()).live.answerer
    examples = collect(answerer, load_questions(ROOT / "tests" / "eval" / "questions.yaml"))
    Path(sys.argv[1]).write_bytes(pickle.dumps(examples))
    print(f"{len(examples)} examples -> {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
