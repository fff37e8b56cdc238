"""Types every source parser produces: a parsed document made of sections."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """A file that cannot be indexed; the message says why and what to do."""


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, with offsets into the document's ``body``."""

    path: tuple[str, ...]  # heading path below the title, e.g. ("Settle plates", "Exposure time")
    text: str  # cleaned text for display and indexing
    start: int  # character offsets of the raw section text in ``ParsedDocument.body``
    end: int


@dataclass
class DocumentMeta:
    doc_id: str
    title: str
    doc_type: str = "guidance"
    version: str = "unversioned"
    effective: dt.date | None = None
    review_due: dt.date | None = None
    owner: str | None = None
    topics: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    status: str | None = None
    url: str | None = None


@dataclass
class ParsedDocument:
    meta: DocumentMeta
    source_path: str  # relative to the knowledge root
    body: str  # the text offsets refer to (raw Markdown, or text extracted from PDF/DOCX/HTML)
    sections: list[Section]


META_FIELDS = {
    "id", "title", "type", "version", "effective", "review_due", "owner", "topics",
    "competencies", "status", "url",
}


def _as_date(value: object, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise SourceError(f"front matter '{name}' is not a date (use YYYY-MM-DD): {value!r}") from exc


def _as_list(value: object, name: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    raise SourceError(f"front matter '{name}' must be a list, got {type(value).__name__}")


def meta_from_mapping(data: dict, path: Path, *, fallback_title: str | None = None) -> DocumentMeta:
    """Validate front matter (or a sidecar) into ``DocumentMeta``; ``id`` defaults to the file stem."""
    if not isinstance(data, dict):
        raise SourceError("front matter must be a YAML mapping of key: value lines")
    unknown = set(data) - META_FIELDS
    if unknown:
        raise SourceError(f"unknown front matter keys {sorted(unknown)}; allowed: {sorted(META_FIELDS)}")
    doc_id = str(data.get("id") or path.stem).strip()
    title = str(data.get("title") or fallback_title or "").strip()
    if not title:
        raise SourceError("no title: add 'title:' to the front matter or a heading to the document")
    version = data.get("version")
    return DocumentMeta(
        doc_id=doc_id,
        title=title,
        doc_type=str(data.get("type") or "guidance"),
        version=str(version) if version not in (None, "") else "unversioned",
        effective=_as_date(data.get("effective"), "effective"),
        review_due=_as_date(data.get("review_due"), "review_due"),
        owner=(str(data["owner"]) if data.get("owner") else None),
        topics=_as_list(data.get("topics"), "topics"),
        competencies=_as_list(data.get("competencies"), "competencies"),
        status=(str(data["status"]) if data.get("status") else None),
        url=(str(data["url"]) if data.get("url") else None),
    )
