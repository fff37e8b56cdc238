"""Word .docx (python-docx): 'Title'/'Heading N' styles give the sections; tables become rows."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..text import BULLET
from .base import ParsedDocument, SourceError
from .structured import document_from_blocks, table_block

SUFFIXES = (".docx",)


def _level(par: Paragraph) -> int:
    style = (par.style.name if par.style is not None else "") or ""
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        try:
            return min(int(style.split()[1]) + 1, 6)  # Heading 1 → '##' (the title is '#')
        except ValueError:
            return 0
    return 0


def parse(path: Path, rel: str) -> ParsedDocument:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"not a readable .docx file ({exc}); re-save it from Word") from exc
    blocks: list[tuple[int, str]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text, style = item.text, (item.style.name if item.style is not None else "") or ""
            if style.startswith("List") and text.strip() and not text.lstrip().startswith(BULLET.strip()):
                text = BULLET + text.strip()  # keep list items recognisable as a list
            blocks.append((_level(item), text))
        elif isinstance(item, Table):
            blocks.append((0, table_block([[cell.text for cell in row.cells] for row in item.rows])))
    props = document.core_properties
    embedded = {"title": props.title, "version": props.version or None, "id": props.identifier or None}
    return document_from_blocks(path, rel, blocks, embedded)
