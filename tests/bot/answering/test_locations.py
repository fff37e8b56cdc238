"""A question answered in more than one place: the listed alternatives count, strict scoring does not."""
import pytest

from bot.answering.evaluation.locations import fact_quoted, locations, unit_answers, unit_located
from bot.answering.evaluation.questions import load_questions
from bot.messages import Citation, Quote
from indexer.units import Unit

ITEM = {"id": "x1", "question": "how long do I rub my hands for", "answerable": True,
        "doc_id": "gd-hand-hygiene-gloves", "section": "Hand rub", "fact": r"20.30 seconds",
        "also": [{"doc_id": "crs-aseptic-entry", "section": "Hand hygiene before entry", "fact": "at least 20 seconds"}]}


def unit(doc_id, section, text, kind="paragraph", context=""):
    return Unit("u", kind, doc_id, section, 0, 0, len(text), text, context, 0, f"{doc_id}.md")


def quote(doc_id, text):
    return Quote(text, Citation(doc_id, doc_id, "s", "1.0", None, f"{doc_id}.md"))


def test_units_from_any_listed_place_count_and_strict_counts_only_the_first():
    own = unit("gd-hand-hygiene-gloves", ["Hygiene", "Hand rub"], "Rub for 20-30 seconds until dry.")
    alt = unit("crs-aseptic-entry", ["Teaching", "Hand hygiene before entry"], "Rub hands for at least 20 seconds.")
    elsewhere = unit("crs-aseptic-entry", ["Gowning"], "Rub hands for at least 20 seconds.")
    wrong_text = unit("crs-aseptic-entry", ["Hand hygiene before entry"], "Wash with soap first.")
    assert unit_answers(ITEM, own) and unit_answers(ITEM, alt)
    assert not unit_answers(ITEM, alt, strict=True) and unit_answers(ITEM, own, strict=True)
    assert not unit_answers(ITEM, elsewhere) and not unit_located(ITEM, elsewhere)  # right words, wrong section
    assert not unit_answers(ITEM, wrong_text) and unit_located(ITEM, wrong_text)  # right section, no fact
    assert [loc.doc_id for loc in locations(ITEM)] == ["gd-hand-hygiene-gloves", "crs-aseptic-entry"]
    assert locations({"question": "q", "answerable": False}) == []


def test_an_alternative_fact_counts_only_in_a_quote_from_its_own_document():
    assert fact_quoted(ITEM, [quote("crs-aseptic-entry", "Rub hands for at least 20 seconds.")])
    assert not fact_quoted(ITEM, [quote("crs-aseptic-entry", "Rub hands for at least 20 seconds.")], strict=True)
    assert not fact_quoted(ITEM, [quote("gd-gowning", "Rub hands for at least 20 seconds.")])
    assert fact_quoted(ITEM, [quote("gd-gowning", "Rub for 20–30 seconds.")])  # the question's own fact: anywhere
    assert not fact_quoted(ITEM, [])


def test_a_malformed_also_list_is_refused_with_the_entry_number(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("- question: how long\n  doc_id: gd-a\n  section: S\n  fact: x\n  also: [{doc_id: gd-b}]\n")
    with pytest.raises(ValueError, match="entry 1: 'also'"):
        load_questions(path)
