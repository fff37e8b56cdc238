"""Which table row a question names (``bot/answering/table_rows.py``): on hand-made units, then as the answer
features of the fixture corpus's particle-limit table."""
import numpy as np

from bot.answering.features import UNIT_FEATURES
from bot.answering.table_rows import FEATURES, RowLabels, normalise, row_label
from indexer.text import ROW_LABEL
from indexer.units import Unit


def unit(text: str, kind: str = "table_row", section: str = "Limits", doc: str = "doc-a") -> Unit:
    return Unit(unit_id=text[:8], kind=kind, doc_id=doc, section=[section], sec_start=0, start=0, end=len(text),
                text=text, context="", position=0, source_path=f"{doc}.md")


UNITS = [
    unit("Grade A — Settle plate (cfu/4 h): No growth; Contact plate: No growth."),
    unit("Grade B — Settle plate (cfu/4 h): 5; Contact plate: 5."),
    unit("Grade C — Settle plate (cfu/4 h): 50; Contact plate: 25."),
    unit("A — At rest ≥0.5 µm: 3 520.", section="Particles"),
    unit("B — At rest ≥0.5 µm: 3 520.", section="Particles"),
    unit("Tc-99m (technetium) — Half-life: 6 hours.", section="Radionuclides", doc="doc-b"),
    unit("F-18 — Half-life: 110 minutes.", section="Radionuclides", doc="doc-b"),
    unit("Grade A air is supplied by unidirectional airflow.", kind="sentence"),
    unit("The row label here is far too long to be named by anyone in a question — Value: 1."),
]


def columns(question: str, rows=None) -> dict[str, list[float]]:
    rows = np.arange(len(UNITS)) if rows is None else np.array(rows)
    named, other = RowLabels(UNITS).columns(question, rows)
    return {"named": named.tolist(), "other": other.tolist()}


def test_labels_are_the_first_cell_normalised():
    assert row_label(UNITS[0]) == "grade a" and row_label(UNITS[3]) == "a"
    assert row_label(UNITS[5]) == "tc 99m"  # parentheses dropped, hyphen a space
    assert row_label(UNITS[7]) is None  # not a table row
    assert row_label(UNITS[8]) is None  # a label of a sentence's length is never "named"
    assert normalise("Tc99m, grade-A?") == " tc99m grade a "


def test_the_named_row_and_its_siblings():
    c = columns("what is the grade A settle plate limit")
    assert c["named"] == [1, 0, 0, 1, 0, 0, 0, 0, 0]  # "grade A" also names the short label "A" after "grade"
    assert c["other"] == [0, 1, 1, 0, 1, 0, 0, 0, 0]  # the other rows of both tables; no other table, no sentence


def test_a_bare_short_label_is_not_a_name():
    c = columns("can a settle plate stay out for 5 hours")  # "a" alone names no row
    assert not any(c["named"]) and not any(c["other"])


def test_other_tables_and_longer_labels():
    c = columns("half life of tc-99m?")
    assert c["named"] == [0, 0, 0, 0, 0, 1, 0, 0, 0] and c["other"] == [0, 0, 0, 0, 0, 0, 1, 0, 0]
    # siblings count even when they are not among the candidates
    c = columns("grade b contact plate", rows=[2])
    assert c == {"named": [0.0], "other": [1.0]}


def test_no_tables_no_features():
    named, other = RowLabels([UNITS[7]]).columns("grade A", np.array([0]))
    assert named.tolist() == [0.0] and other.tolist() == [0.0]


def test_the_answer_features_name_the_fixture_tables_row(kb):
    answerer = kb.live.answerer
    cand = answerer.prepare("what's the grade B in operation 0.5 micron limit")
    U = answerer.units.units
    cols = [UNIT_FEATURES.index(f) for f in FEATURES]
    rows = {U[int(r)].text.split(ROW_LABEL)[0]: cand.X[i, cols].tolist()
            for i, r in enumerate(cand.rows) if U[int(r)].kind == "table_row"}
    assert rows["Grade B"] == [1.0, 0.0]
    assert rows["Grade A"] == [0.0, 1.0] and rows["Grade C"] == [0.0, 1.0]
    others = [cand.X[i, cols].tolist() for i, r in enumerate(cand.rows) if U[int(r)].kind != "table_row"]
    assert others and all(x == [0.0, 0.0] for x in others)
