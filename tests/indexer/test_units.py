"""Answer units are built from the document structure and are verbatim spans of the cleaned text."""
import json

from indexer.build import BuildConfig, build_index
from indexer.snapshot import MANIFEST, current_version, load_snapshot
from indexer.sources import parse_file
from indexer.text import normalise_space
from indexer.units import UnitBuilder
from tests.conftest import CORPUS


def units_of(name):
    doc = parse_file(CORPUS / name, name)
    return doc, UnitBuilder().run(doc)


def test_list_with_its_lead_in_and_items_in_order():
    _, units = units_of("fx-course.md")
    [steps] = [u for u in units if u.kind == "list" and "leaks during preparation" in u.context]
    assert steps.text.splitlines()[0] == "If an infusion bag leaks during preparation in the isolator:"
    assert [line[:2] for line in steps.text.splitlines()[1:]] == ["1.", "2.", "3.", "4."]
    items = [u for u in units if u.kind == "list_item" and u.context == steps.context]
    assert [i.text[:2] for i in items] == ["1.", "2.", "3.", "4."]
    assert items[0].quote.startswith("If an infusion bag leaks during preparation in the isolator: … 1. Stop work")


def test_self_check_question_is_context_and_answer_is_the_unit():
    _, units = units_of("fx-course.md")
    qa = [u for u in units if u.kind == "qa"]
    assert {u.context for u in qa} >= {"Why should pressure build-up in a vial be avoided?", "Where does a leaking bag go?"}
    assert all(u.text.startswith("Answer:") for u in qa)
    worked = next(u for u in qa if u.context.startswith("When is the next change due"))
    assert worked.text == "Answer: 11:00."


def test_headings_bare_questions_lead_ins_and_scope_are_never_units():
    _, units = units_of("fx-course.md")
    texts = [u.text for u in units]
    assert not any(t.endswith("?") for t in texts)  # bare questions (their answers are units)
    assert "If an infusion bag leaks during preparation in the isolator:" not in texts  # bare lead-in
    assert not any("This course explains" in t for t in texts)  # scope boilerplate
    assert not any(u.section[:1] in (["Learning outcomes"], ["References"]) for u in units)
    assert not any(t in ("Teaching content", "Worked examples", "Pressure in vials") for t in texts)  # headings


def test_table_rows_carry_their_headers():
    _, units = units_of("fx-grades.md")
    rows = [u.text for u in units if u.kind == "table_row"]
    assert any(r.startswith("Grade B — ") and "In operation ≥0.5 µm/m³: 352 000" in r for r in rows)
    assert not any(r.startswith("Grade —") for r in rows)  # the header row alone is not a unit


def test_every_unit_is_verbatim_from_its_section():
    for path in sorted(CORPUS.glob("*.md")):
        doc, units = units_of(path.name)
        sections = {tuple(s.path): normalise_space(s.text) for s in doc.sections}
        for u in units:
            for piece in (u.items or [u.text]) + ([u.context] if u.context and not u.context.startswith("items") else []):
                assert normalise_space(piece) in sections[tuple(u.section)], (path.name, piece)


def test_snapshot_holds_units_with_vectors_and_chunks(tmp_path, corpus_dir, embedder):
    cfg = BuildConfig(sources=[corpus_dir], index_root=tmp_path / "i", cache_dir=tmp_path / "c")
    build_index(cfg, embedder=embedder)
    snap = load_snapshot(cfg.index_root)
    table = snap.units
    assert len(table.units) == len(table.vectors) == len(table.heading_of) and table.vectors.shape[1] == 384
    assert {u.kind for u in table.units} >= {"sentence", "list", "list_item", "table_row", "qa", "paragraph"}
    for row, chunks in enumerate(table.chunk_rows):
        u = table.units[row]
        assert chunks and all(snap.chunks[c].doc_id == u.doc_id for c in chunks)
        assert row in table.chunk_units[chunks[0]]
    assert snap.manifest["counts"]["units"] == len(table.units)


def test_incremental_build_reuses_units_of_unchanged_files(tmp_path, corpus_dir, embedder):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(corpus_dir, src)
    cfg = BuildConfig(sources=[src], index_root=tmp_path / "i", cache_dir=tmp_path / "c")
    build_index(cfg, embedder=embedder)
    before = load_snapshot(cfg.index_root).units.units
    text = (src / "fx-gloves.md").read_text()
    (src / "fx-gloves.md").write_text(text.replace("## Disinfecting gloves\n", "## Disinfecting gloves\n\n"
                                                   "Gloves are checked for holes before use.\n"))
    report = build_index(cfg, embedder=embedder)
    assert report.published and report.changed == ["src/fx-gloves.md"] and report.embedded_units >= 1
    after = load_snapshot(cfg.index_root).units.units
    kept = {u.unit_id for u in before if u.doc_id != "fx-gloves"}
    assert kept and kept <= {u.unit_id for u in after}  # unchanged documents keep their units
    assert any(u.doc_id == "fx-gloves" and "checked for holes" in u.text for u in after)


def test_snapshot_of_an_older_format_is_rebuilt(tmp_path, corpus_dir, embedder):
    cfg = BuildConfig(sources=[corpus_dir], index_root=tmp_path / "i", cache_dir=tmp_path / "c")
    first = build_index(cfg, embedder=embedder)
    path = cfg.index_root / first.version / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "format": manifest["format"] - 1}))
    again = build_index(cfg, embedder=embedder)
    assert again.published and again.embedded == 0 and current_version(cfg.index_root) == again.version
