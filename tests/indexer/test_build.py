"""The indexing pipeline on real files with the real model: incremental, fault-tolerant, atomic."""
import shutil

import pytest

from indexer import build as build_mod
from indexer.build import BuildConfig, build_index
from indexer.embedding import Embedder
from indexer.snapshot import POINTER, current_version, load_snapshot
from tests.conftest import BROKEN


@pytest.fixture()
def workspace(tmp_path, corpus_dir, embedder):
    src = tmp_path / "knowledge"
    shutil.copytree(corpus_dir, src)
    cfg = BuildConfig(sources=[src], index_root=tmp_path / "index", cache_dir=tmp_path / "cache")
    first = build_index(cfg, embedder=embedder)
    return src, cfg, first


def test_first_build_indexes_every_format(workspace):
    src, cfg, first = workspace
    assert first.published and first.errors == []
    snap = load_snapshot(cfg.index_root)
    docs = {d["doc_id"]: d for d in snap.manifest["documents"]}
    assert set(docs) == {"fx-grades", "fx-gloves", "fx-generator", "fx-pn", "fx-spills", "fx-fridge",
                         "fx-hatch", "fx-labels", "fx-settle", "fx-broth", "fx-course"}
    assert snap.manifest["counts"]["chunks"] == len(snap.chunks) == snap.dense.size == snap.sparse.size
    assert snap.manifest["model"] == "all-MiniLM-L6-v2" and snap.manifest["dense"] == "flat"
    assert all(d["sha256"] and d["version"] for d in docs.values())
    assert first.embedded == len(snap.chunks)


def test_unchanged_rerun_does_no_work(workspace):
    src, cfg, first = workspace
    fresh = Embedder()  # a new embedder never loads its model if nothing needs embedding
    again = build_index(cfg, embedder=fresh)
    assert not again.published and again.version == first.version and again.embedded == 0
    assert fresh._model is None
    assert current_version(cfg.index_root) == first.version


def test_changed_and_deleted_documents_are_reflected(workspace, embedder):
    src, cfg, first = workspace
    spills = src / "fx-spills.md"
    spills.write_text(spills.read_text().replace(
        "on the same day.", "on the same day and the spill kit is replaced."))
    (src / "fx-fridge.md").unlink()
    report = build_index(cfg, embedder=embedder)
    assert report.published and report.changed == ["knowledge/fx-spills.md"]
    assert report.removed == ["knowledge/fx-fridge.md"]
    snap = load_snapshot(cfg.index_root)
    changed_chunks = [c for c in snap.chunks if c.doc_id == "fx-spills"]
    # only the chunk whose text changed was embedded again
    assert report.embedded == 1 and len(changed_chunks) >= 2
    assert not any(c.doc_id == "fx-fridge" for c in snap.chunks)
    assert any("spill kit is replaced" in c.text for c in changed_chunks)


def test_full_rebuild_reparses_but_reuses_cached_embeddings(workspace, embedder):
    src, cfg, first = workspace
    report = build_index(cfg, full=True, embedder=embedder)
    assert report.published and report.version != first.version
    assert report.embedded == 0 and report.chunks == first.chunks


def test_broken_files_are_skipped_and_reported(workspace, embedder):
    src, cfg, first = workspace
    for f in BROKEN.iterdir():
        shutil.copy(f, src / f.name)
    report = build_index(cfg, embedder=embedder)
    reasons = {e["path"]: e["reason"] for e in report.errors}
    assert set(reasons) == {"knowledge/corrupt.pdf", "knowledge/bad-front-matter.md", "knowledge/empty.md"}
    assert "PDF cannot be read" in reasons["knowledge/corrupt.pdf"]
    assert report.published and report.documents == first.documents
    snap = load_snapshot(cfg.index_root)
    assert {e["path"] for e in snap.manifest["errors"]} == set(reasons)
    # the broken files alone do not trigger another build
    assert not build_index(cfg, embedder=embedder).published


def test_duplicate_document_ids_keep_the_first(workspace, embedder):
    src, cfg, first = workspace
    shutil.copy(src / "fx-pn.md", src / "zz-copy-of-pn.md")
    report = build_index(cfg, embedder=embedder)
    assert [e["path"] for e in report.errors] == ["knowledge/zz-copy-of-pn.md"]
    assert "duplicate document id 'fx-pn'" in report.errors[0]["reason"]


def test_failed_build_leaves_previous_snapshot_live(workspace, embedder, monkeypatch):
    src, cfg, first = workspace
    (src / "fx-new.md").write_text("---\nid: fx-new\ntitle: New\n---\n## A\n\nA new document.\n")

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(build_mod, "write_snapshot", crash)
    with pytest.raises(OSError):
        build_index(cfg, embedder=embedder)
    assert (cfg.index_root / POINTER).read_text().strip() == first.version
    assert not list(cfg.index_root.glob(".building-*"))
    snap = load_snapshot(cfg.index_root)
    assert snap.version == first.version and not any(c.doc_id == "fx-new" for c in snap.chunks)
    monkeypatch.undo()
    assert build_index(cfg, embedder=embedder).published  # the next build completes


def test_crash_after_staging_is_invisible_to_readers(workspace, embedder, monkeypatch):
    src, cfg, first = workspace
    (src / "fx-new.md").write_text("---\nid: fx-new\ntitle: New\n---\n## A\n\nA new document.\n")

    def crash_on_publish(*a, **k):
        raise KeyboardInterrupt  # killed between writing and publishing

    monkeypatch.setattr(build_mod, "publish", crash_on_publish)
    with pytest.raises(KeyboardInterrupt):
        build_index(cfg, embedder=embedder)
    assert current_version(cfg.index_root) == first.version
    assert not list(cfg.index_root.glob(".building-*"))


def test_hnsw_above_threshold(tmp_path, corpus_dir, embedder):
    cfg = BuildConfig(sources=[corpus_dir], index_root=tmp_path / "i", cache_dir=tmp_path / "c", hnsw_threshold=5)
    build_index(cfg, embedder=embedder)
    snap = load_snapshot(cfg.index_root)
    assert snap.dense.kind == "hnsw" and snap.dense.size == len(snap.chunks)
