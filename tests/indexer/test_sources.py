from pathlib import Path

import pytest

from indexer.sources import SourceError, parse_file
from tests.conftest import BROKEN, CORPUS


def test_markdown_front_matter_and_sections():
    doc = parse_file(CORPUS / "fx-grades.md", "corpus/fx-grades.md")
    m = doc.meta
    assert (m.doc_id, m.title, m.version, m.doc_type) == ("fx-grades", "Cleanroom grades for aseptic preparation", "2.1", "guidance")
    assert m.effective.isoformat() == "2025-03-01" and m.review_due.isoformat() == "2099-03-01"
    assert m.competencies == ["CEM-06"] and m.status == "starter"
    paths = [s.path for s in doc.sections]
    assert paths == [("Particle limits",), ("Where each grade is used",), ("References",)]
    limits = doc.sections[0]
    # offsets point at the raw Markdown of the section
    assert "| Grade B | 3 520 | 352 000 | 2 930 |" in doc.body[limits.start:limits.end]
    # tables become labelled rows that read on their own
    assert "Grade B — At rest ≥0.5 µm/m³: 3 520; In operation ≥0.5 µm/m³: 352 000; In operation ≥5 µm/m³: 2 930." in limits.text


def test_nested_headings_give_a_path(tmp_path):
    f = tmp_path / "nested.md"
    f.write_text("---\nid: n\ntitle: T\n---\n# T\n\nIntro line.\n\n## A\n\nText a.\n\n### A1\n\nText a1.\n\n## B\n\nText b.\n")
    doc = parse_file(f, "nested.md")
    assert [(s.path, s.text) for s in doc.sections] == [
        ((), "Intro line."), (("A",), "Text a."), (("A", "A1"), "Text a1."), (("B",), "Text b.")]


def test_html_headings_and_meta():
    doc = parse_file(CORPUS / "fx-hatch.html", "corpus/fx-hatch.html")
    assert doc.meta.doc_id == "fx-hatch" and doc.meta.version == "1.2" and doc.meta.title == "Pass-through hatch transfer"
    assert [s.path for s in doc.sections] == [("Spraying and wiping items",), ("Contact time",)]
    assert "Both hatch doors must never be open at the same time." in doc.sections[0].text


def test_text_with_sidecar_metadata():
    doc = parse_file(CORPUS / "fx-notes.txt", "corpus/fx-notes.txt")
    assert (doc.meta.doc_id, doc.meta.title, doc.meta.version) == ("fx-labels", "Labelling of aseptic products", "1.0")
    assert "checked against the worksheet" in doc.sections[-1].text


def test_pdf_uses_outline_for_sections(corpus_dir):
    doc = parse_file(corpus_dir / "fx-settle.pdf", "corpus/fx-settle.pdf")
    assert doc.meta.doc_id == "fx-settle" and doc.meta.version == "1.1"
    assert doc.meta.title == "Settle plate exposure"
    by_path = {s.path: s.text for s in doc.sections}
    assert "no longer than four hours" in by_path[("Exposure time",)]
    assert "local SOP" in by_path[("Incubation",)]


def test_docx_headings_tables_and_core_properties(corpus_dir):
    doc = parse_file(corpus_dir / "fx-broth.docx", "corpus/fx-broth.docx")
    assert (doc.meta.doc_id, doc.meta.version, doc.meta.title) == ("fx-broth", "2.0", "Broth transfer validation")
    by_path = {s.path: s.text for s in doc.sections}
    assert "no microbial growth" in by_path[("Acceptance",)]
    assert "All — Result: No growth." in by_path[("Acceptance",)]


@pytest.mark.parametrize("name, reason", [
    ("corrupt.pdf", "PDF cannot be read"),
    ("bad-front-matter.md", "front matter is not valid YAML"),
    ("empty.md", "the file is empty"),
])
def test_bad_files_raise_a_clear_reason(name, reason):
    with pytest.raises(SourceError, match=reason):
        parse_file(BROKEN / name, f"broken/{name}")


def test_bad_date_and_unknown_key_are_named(tmp_path):
    f = tmp_path / "d.md"
    f.write_text("---\ntitle: X\neffective: next week\n---\nText.\n")
    with pytest.raises(SourceError, match="'effective' is not a date"):
        parse_file(f, "d.md")
    f.write_text("---\ntitle: X\nversoin: 2\n---\nText.\n")
    with pytest.raises(SourceError, match="unknown front matter keys \\['versoin'\\]"):
        parse_file(f, "d.md")


def test_unsupported_type(tmp_path: Path):
    f = tmp_path / "x.xlsx"
    f.write_bytes(b"PK")
    with pytest.raises(SourceError, match="unsupported file type"):
        parse_file(f, "x.xlsx")
