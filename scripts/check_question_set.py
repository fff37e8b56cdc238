"""Check a question set (or part of one) as the pack test will: places resolve, labels complete, no copies.

    .venv/bin/python scripts/check_question_set.py tests/eval/heldout11.yaml
    .venv/bin/python scripts/check_question_set.py /tmp/part1.yaml --hide-copies   # for blind writers

For set writers and auditors. Every answerable entry's doc_id / section / fact (and each `also` place) must
resolve in knowledge/: the heading exists and the fact regex matches that section. Unanswerable entries need a
kind. A question whose words nearly repeat a question of another set under tests/eval/ is refused (reword it);
--hide-copies names only which of the file's questions to reword, not the other set's question, so a writer who
must stay blind to the other sets never reads them. Exit status 1 when anything is wrong.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.evaluation.question_audit import near_copies, pack_sections, place_problems  # noqa: E402
from bot.answering.evaluation.questions import load_questions  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path, help="question set YAML files (a list of entries)")
    ap.add_argument("--knowledge", type=Path, default=ROOT / "knowledge", help="the pack the places must resolve in")
    ap.add_argument("--sets", type=Path, default=ROOT / "tests" / "eval",
                    help="folder of the other question sets (every *.yaml under it) to refuse copies of")
    ap.add_argument("--copy-threshold", type=float, default=0.8, help="word-set overlap (Jaccard) that counts as a copy")
    ap.add_argument("--hide-copies", action="store_true", help="do not print the other sets' questions")
    args = ap.parse_args()

    docs = pack_sections(args.knowledge)
    mine = {f.resolve() for f in args.files}
    others = [q for p in sorted(args.sets.glob("*.yaml")) if p.resolve() not in mine for q in load_questions(p)]
    bad = 0
    for path in args.files:
        try:
            questions = load_questions(path)
        except (ValueError, OSError) as exc:
            print(f"{path}: {exc}\n  fix the entry and run again")
            bad += 1
            continue
        problems = place_problems(questions, docs)
        for q, other, sim in near_copies(questions, others, args.copy_threshold):
            said = "" if args.hide_copies else f": {other['question']!r} ({other.get('id')})"
            problems.append(f"{q.get('id')}: nearly a question of another set (overlap {sim}){said}; reword it")
        answerable = sum(q["answerable"] for q in questions)
        print(f"{path}: {len(questions)} questions ({answerable} answerable, {len(questions) - answerable} not); "
              f"{len(problems)} problem(s)")
        for line in problems:
            print("  " + line)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
