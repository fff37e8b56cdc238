import json

from indexer.build import BuildConfig, build_index
from indexer.chunking import Chunker
from indexer.sentences import sentence_spans, sentence_text
from indexer.snapshot import MANIFEST, current_version, load_snapshot
from indexer.sources import parse_file


def test_list_fragments_keep_their_lead_in(tmp_path):
    f = tmp_path / "r.md"
    f.write_text("---\nid: r\ntitle: R\n---\n## Revalidation\n\nOperators are revalidated yearly. "
                 "Revalidation is also needed:\n\n- after a failed broth transfer test;\n"
                 "- after a long absence from aseptic work.\n\nRecords show the next due date.\n")
    chunks = Chunker().run(parse_file(f, "r.md"))
    texts = [sentence_text(chunks[r], a, b, la, lb) for r, a, b, la, lb in sentence_spans(chunks)]
    assert texts == [
        "Operators are revalidated yearly.",
        "Revalidation is also needed:",
        "Revalidation is also needed: … after a failed broth transfer test;",
        "Revalidation is also needed: … after a long absence from aseptic work.",
        "Records show the next due date.",
    ]


def test_snapshot_sentences_cover_every_chunk(tmp_path, corpus_dir, embedder):
    cfg = BuildConfig(sources=[corpus_dir], index_root=tmp_path / "i", cache_dir=tmp_path / "c")
    build_index(cfg, embedder=embedder)
    snap = load_snapshot(cfg.index_root)
    table = snap.sentences
    assert len(table.ptr) == len(snap.chunks) + 1 and table.vectors.shape == (len(table.spans), 384)
    for row in range(len(snap.chunks)):
        for s in table.rows_for(row):
            assert table.spans[s][0] == row


def test_snapshot_of_an_older_format_is_rebuilt(tmp_path, corpus_dir, embedder):
    cfg = BuildConfig(sources=[corpus_dir], index_root=tmp_path / "i", cache_dir=tmp_path / "c")
    first = build_index(cfg, embedder=embedder)
    path = cfg.index_root / first.version / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "format": manifest["format"] - 1}))
    again = build_index(cfg, embedder=embedder)
    assert again.published and again.embedded == 0 and current_version(cfg.index_root) == again.version
