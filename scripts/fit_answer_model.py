"""Refit the answer model (bot/answering/answer_model.json) on the development question set.

    .venv/bin/python scripts/fit_answer_model.py                      # index knowledge/, fit, save
    .venv/bin/python scripts/fit_answer_model.py --dry-run            # only print the cross-validated figures

Indexes the knowledge pack into a private folder (the embedding cache in var/ is shared, so a second run
is quick), answers every question, fine-tunes the tuned encoder once per fold and gives each question the
similarities of the encoder that did not see it, prints 5-fold cross-validated figures, then fits on all
questions and writes the weights: the answer model with its known questions
(bot/answering/answer_model.json and answer_model.known.npz) and the tuned encoder's layers
(indexer/tuned_encoder.npz; rebuild the index afterwards with `techserv index`). About 115 minutes on
2 cores for 2,823 questions (stop 27: six encoder trainings of 14-18 minutes run alone, up to 25 beside other
work, then the answer model in a few minutes). Each trained
encoder is kept in var/fit/encoders under the hash of its recipe and training tuples, so a refit that changes
only the answer features or the decline settings reuses them and takes about 15 minutes.
Run it after changing the pack, the question set, or the answer features.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.progress import Progress  # noqa: E402

from bot.answering.evaluation.encoder_tuning import cross_fit, trainable_names  # noqa: E402
from bot.answering.evaluation.fit import C_QUESTION, DECLINE_TARGET, collect, fit  # noqa: E402
from bot.answering.evaluation.questions import fit_settings, load_questions, repeated_cv  # noqa: E402
from bot.answering.knowledge import KnowledgeBase  # noqa: E402
from bot.answering.model import MODEL_PATH, AnswerModel  # noqa: E402
from bot.answering.question_words import WEIGHT as WORD_WEIGHT  # noqa: E402
from bot.config import Settings  # noqa: E402
from indexer.build import BuildConfig, build_index  # noqa: E402
from indexer.tuned_encoder import WEIGHTS, save_layers, tuned_id  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=ROOT / "tests" / "eval" / "questions.yaml")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3, help="shuffles of the folds, averaged")
    ap.add_argument("--c-units", type=float, default=0.1, help="inverse L2 strength of the unit ranker")
    ap.add_argument("--c-question", type=float, default=C_QUESTION, help="inverse L2 strength of the decline model")
    ap.add_argument("--word-weight", type=float, default=WORD_WEIGHT,
                    help="weight of the question's words in the decline model (0: none)")
    ap.add_argument("--decline-target", type=float, default=DECLINE_TARGET,
                    help="share of the training questions' unanswerable ones to decline (sets the answer/decline cut)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write the model")
    ap.add_argument("--output", type=Path, default=MODEL_PATH)
    ap.add_argument("--encoder-output", type=Path, default=WEIGHTS, help="where the tuned encoder's layers go")
    ap.add_argument("--save-examples", type=Path, default=None,
                    help="also pickle the cross-fitted examples here (for experiments on the answer model)")
    args = ap.parse_args()

    base = Settings()
    s = fit_settings(base)
    with Progress() as bars:
        def factory(desc, total):
            task = bars.add_task(desc, total=total)
            return lambda n: bars.advance(task, n)
        build_index(BuildConfig(sources=[s.knowledge_dir], index_root=s.index_dir, cache_dir=base.cache_dir,
                                model=s.model), progress=factory)
        questions = load_questions(args.questions)
        live = KnowledgeBase(s, model=AnswerModel.default()).live  # features only: the model is refitted
        examples = collect(live.answerer, questions, factory("Answering questions", len(questions)))
        examples, encoder = cross_fit(examples, live.answerer, args.folds, final=not args.dry_run,
                                      log=bars.console.print, cache=s.var_dir / "encoders")
    if args.save_examples:
        import pickle

        args.save_examples.write_bytes(pickle.dumps(examples))
    kw = {"C_units": args.c_units, "C_question": args.c_question, "target": args.decline_target,
          "word_weight": args.word_weight}
    cv = repeated_cv(examples, live.answerer, args.folds, args.repeats, **kw)
    print(f"{args.folds}-fold cross-validated on {len(questions)} questions (mean of {args.repeats} shuffles):")
    for k, v in cv.items():
        if k != "per_shuffle":
            print(f"  {k:34s} {v}")
    if args.dry_run:
        return 0
    save_layers(encoder, trainable_names(encoder), args.encoder_output)
    model = fit(examples, live.answerer, **kw)
    dataset = str(args.questions.relative_to(ROOT)) if args.questions.is_relative_to(ROOT) else str(args.questions)
    model.info |= {"tuned_encoder": tuned_id(path=args.encoder_output), "dataset": dataset,
                   "cross_validated": {k: v for k, v in cv.items() if k != "per_shuffle"},
                   "folds": args.folds, "index_version": live.version}
    model.save(args.output)
    print(f"wrote {args.output} (answer when P(answerable) >= {model.threshold}; {len(model.known.entries)} known "
          f"questions beside it) and {args.encoder_output}; "
          "rebuild the index with `techserv index`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
