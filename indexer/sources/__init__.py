"""Source registry: one module per format; a new format is one module plus one line in ``PARSERS``."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import docx, html, markdown, pdf, text
from .base import DocumentMeta, ParsedDocument, Section, SourceError
from .sidecar import SIDECAR_SUFFIX

Parser = Callable[[Path, str], ParsedDocument]

PARSERS: dict[str, Parser] = {}
for _module in (markdown, pdf, docx, html, text):
    for _suffix in _module.SUFFIXES:
        PARSERS[_suffix] = _module.parse


def parser_for(path: Path) -> Parser | None:
    if path.name.endswith(SIDECAR_SUFFIX):
        return None
    return PARSERS.get(path.suffix.lower())


def parse_file(path: Path, rel: str) -> ParsedDocument:
    """Parse one file; every failure becomes a ``SourceError`` naming the reason."""
    parser = parser_for(path)
    if parser is None:
        raise SourceError(f"unsupported file type {path.suffix!r}; supported: {sorted(PARSERS)}")
    if path.stat().st_size == 0:
        raise SourceError("the file is empty")
    try:
        return parser(path, rel)
    except SourceError:
        raise
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text ({exc.reason}); re-save the file as UTF-8") from exc
    except Exception as exc:  # a parser bug or a hostile file must not stop the whole build
        raise SourceError(f"could not be parsed ({exc.__class__.__name__}: {exc})") from exc


__all__ = ["PARSERS", "DocumentMeta", "ParsedDocument", "Section", "SourceError", "parse_file", "parser_for"]
