"""Shared fixtures: the real bundled model and a real index over the small fixture corpus."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
BROKEN = FIXTURES / "broken"
GLOSSARY = FIXTURES / "glossary.yaml"


@pytest.fixture(scope="session")
def embedder():
    from indexer.embedding import Embedder

    return Embedder()


def make_binary_fixtures(folder: Path) -> None:
    """A real PDF (with an outline) and a real DOCX, written with fpdf2 and python-docx."""
    import docx
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Settle plate exposure")
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.start_section("Settle plate exposure", level=0)
    pdf.cell(0, 10, "Settle plate exposure", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.start_section("Exposure time", level=1)
    pdf.cell(0, 8, "Exposure time", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Settle plates are exposed for no longer than four hours so that the agar does not dry out. "
                         "A new plate is put down when a session lasts longer.")
    pdf.start_section("Incubation", level=1)
    pdf.cell(0, 8, "Incubation", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Exposed plates are incubated at the temperatures and times in the local SOP before counting colonies.")
    pdf.output(str(folder / "fx-settle.pdf"))
    (folder / "fx-settle.pdf.meta.yaml").write_text('id: fx-settle\nversion: "1.1"\neffective: 2025-07-01\n')

    d = docx.Document()
    d.core_properties.title = "Broth transfer validation"
    d.core_properties.identifier = "fx-broth"
    d.core_properties.version = "2.0"
    d.add_heading("Broth transfer validation", level=0)
    d.add_heading("Who must be validated", level=1)
    d.add_paragraph("Every operator who prepares aseptic products completes a broth transfer validation before "
                    "working unsupervised and then at the interval set by local policy.")
    d.add_heading("Acceptance", level=1)
    d.add_paragraph("A broth transfer passes only when every unit shows no microbial growth after incubation.")
    table = d.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Units", "Result"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "All", "No growth"
    d.save(str(folder / "fx-broth.docx"))


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A copy of the fixture corpus plus generated PDF and DOCX files."""
    folder = tmp_path_factory.mktemp("knowledge") / "corpus"
    shutil.copytree(CORPUS, folder)
    make_binary_fixtures(folder)
    return folder


@pytest.fixture(scope="session")
def built_env(tmp_path_factory, corpus_dir, embedder):
    """Settings pointing at a built index of the fixture corpus."""
    from bot.config import Settings
    from indexer.build import BuildConfig, build_index

    var = tmp_path_factory.mktemp("var")
    knowledge = corpus_dir.parent
    shutil.copy(GLOSSARY, knowledge / "glossary.yaml")
    # The answer/decline cut is fitted on the knowledge pack (600+ documents' worth of feature ranges); this
    # 11-document corpus gives in-scope questions lower BM25 and passage scores, so its cut is set lower.
    settings = Settings(knowledge_dir=knowledge, var_dir=var, min_confidence=0.3)
    cfg = BuildConfig(sources=[corpus_dir], index_root=settings.index_dir, cache_dir=settings.cache_dir)
    report = build_index(cfg, embedder=embedder)
    assert report.published and not report.errors, report.errors
    return settings


@pytest.fixture(scope="session")
def kb(built_env, embedder):
    from bot.answering.knowledge import KnowledgeBase

    return KnowledgeBase(built_env, embedder=embedder)


@pytest.fixture(scope="session")
def conversation(kb, built_env):
    from bot.conversation import Conversation

    return Conversation(kb, built_env)
