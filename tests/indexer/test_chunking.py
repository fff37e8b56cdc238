from indexer.chunking import Chunker
from indexer.embedding import token_counter
from indexer.sources import parse_file
from indexer.text import split_sentences
from tests.conftest import CORPUS


def test_sentences_respect_abbreviations_and_lines():
    text = "Use e.g. sterile alcohol. Then wait.\nA list item without stop\nPh. Eur. 2.6.1 applies. Done!"
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Use e.g. sterile alcohol.", "Then wait.", "A list item without stop",
                   "Ph. Eur. 2.6.1 applies.", "Done!"]


def test_chunks_are_token_bounded_with_overlap(tmp_path):
    count = token_counter("all-MiniLM-L6-v2")
    sentences = [f"Sentence number {i} explains one more step of the cleaning rotation in detail." for i in range(60)]
    f = tmp_path / "long.md"
    f.write_text("---\nid: long\ntitle: Long\nversion: '1'\n---\n## Steps\n\n" + " ".join(sentences) + "\n")
    doc = parse_file(f, "long.md")
    chunks = Chunker(count, max_tokens=120, overlap_tokens=30).run(doc)
    assert len(chunks) > 5
    for c in chunks:
        assert count(c.text) <= 120
        assert c.section == ["Steps"] and c.doc_id == "long" and c.version == "1"
        # offsets map back into the section's text
        sec = doc.sections[0]
        assert sec.text[c.sent_start:c.sent_end] == c.text
    # consecutive chunks share their boundary sentence(s)
    for a, b in zip(chunks, chunks[1:]):
        last = a.text.split(". ")[-1]
        assert last in b.text


def test_chunk_metadata_carried(tmp_path):
    doc = parse_file(CORPUS / "fx-generator.md", "corpus/fx-generator.md")
    chunks = Chunker(token_counter("all-MiniLM-L6-v2")).run(doc)
    c = next(c for c in chunks if c.section == ["Molybdenum-99 breakthrough"])
    assert (c.title, c.version, c.effective, c.review_due, c.source_path) == (
        "Technetium-99m generator elution", "3.0", "2024-11-01", "2099-11-01", "corpus/fx-generator.md")
    assert c.index_text.startswith("Technetium-99m generator elution > Molybdenum-99 breakthrough\n")
    assert len({c.chunk_id for c in chunks}) == len(chunks)
