"""The checks a question set must pass (question_audit), and the script set writers run them with."""
from __future__ import annotations

import subprocess
import sys

import yaml

from bot.answering.evaluation.question_audit import near_copies, place_problems

from .test_pack import ROOT, sections

GOOD = {"id": "z-001", "question": "how long can a settle plate stay open?", "answerable": True,
        "doc_id": "gd-env-monitoring", "section": "Settle plates", "fact": "more than 4 hours"}


def test_a_good_entry_passes_and_each_fault_is_named():
    assert place_problems([GOOD], sections()) == []
    bad = [
        {**GOOD, "id": "z-002", "doc_id": "gd-no-such-document"},
        {**GOOD, "id": "z-003", "section": "Settle plate"},  # not the heading's exact text
        {**GOOD, "id": "z-004", "fact": "more than 6 hours"},  # not in that section
        {**GOOD, "id": "z-005", "fact": "more than (4 hours"},  # not a regex
        {**GOOD, "id": "z-006", "also": [{"doc_id": "gd-env-monitoring", "section": "Settle plates", "fact": "4"}]},
        {"id": "z-007", "question": "what's the weather tomorrow?", "answerable": False},  # no kind
        {**GOOD, "id": "z-001"},  # an id used twice
    ]
    problems = place_problems([GOOD] + bad, sections())
    text = "\n".join(problems)
    assert "z-002: no document 'gd-no-such-document'" in text
    assert "z-003: no section 'Settle plate' in gd-env-monitoring" in text
    assert "z-004: fact 'more than 6 hours' is not in gd-env-monitoring > Settle plates" in text
    assert "z-005: fact 'more than (4 hours' is not a valid regex" in text
    assert "z-006: a place is listed twice" in text
    assert "z-007: an unanswerable question needs kind" in text
    assert "ids used twice: z-001" in text
    assert len(problems) == 7


def test_near_copies_are_word_overlap_not_topic():
    others = [{"id": "o-1", "question": "How long can a settle plate stay open for?"},
              {"id": "o-2", "question": "which grade needs continuous particle monitoring"}]
    found = near_copies([GOOD, {**GOOD, "id": "z-2", "question": "settle plates: maximum exposure time in grade A?"}],
                        others, threshold=0.8)
    assert [(q["id"], o["id"]) for q, o, _ in found] == [("z-001", "o-1")]
    assert found[0][2] >= 0.8


def test_the_script_reports_problems_and_hides_other_sets_when_asked(tmp_path):
    dev_question = yaml.safe_load((ROOT / "tests" / "eval" / "questions.yaml").read_text())[0]["question"]
    part = tmp_path / "part.yaml"
    part.write_text(yaml.safe_dump([GOOD, {**GOOD, "id": "z-009", "question": dev_question},
                                    {**GOOD, "id": "z-010", "fact": "more than 6 hours"}]))

    def run(*extra):
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_question_set.py"), *extra, str(part)],
                              capture_output=True, text=True, cwd=ROOT)

    shown, hidden = run(), run("--hide-copies")
    assert shown.returncode == 1 and hidden.returncode == 1
    assert "3 questions (3 answerable, 0 not); 2 problem(s)" in shown.stdout
    assert "z-010: fact 'more than 6 hours' is not in" in shown.stdout
    assert "z-009: nearly a question of another set" in shown.stdout and dev_question in shown.stdout
    assert "z-009: nearly a question of another set" in hidden.stdout and dev_question not in hidden.stdout
    part.write_text(yaml.safe_dump([GOOD]))
    assert run().returncode == 0
