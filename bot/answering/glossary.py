"""Acronym and synonym expansion from ``knowledge/glossary.yaml``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""


def _pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", re.I)


class Glossary:
    def __init__(self, terms: list[Term]):
        self.terms = terms
        self._rules: list[tuple[re.Pattern, Term]] = []
        for t in terms:
            for phrase in {t.term, t.expansion, *t.synonyms}:
                if phrase and len(phrase) >= 2:
                    self._rules.append((_pattern(phrase), t))

    @classmethod
    def load(cls, path: Path | None) -> "Glossary":
        if path is None or not Path(path).exists():
            return cls([])
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        terms = []
        for row in data.get("terms", []):
            if not row.get("term"):
                continue
            terms.append(Term(term=str(row["term"]), expansion=str(row.get("expansion") or ""),
                              synonyms=tuple(str(s) for s in row.get("synonyms") or ()),
                              definition=str(row.get("definition") or "")))
        return cls(terms)

    def matches(self, text: str) -> list[Term]:
        seen: dict[str, Term] = {}
        for pat, term in self._rules:
            if term.term not in seen and pat.search(text):
                seen[term.term] = term
        return list(seen.values())

    def expand(self, text: str) -> str:
        """The text plus the other names of every glossary term it mentions."""
        extra: list[str] = []
        lowered = text.lower()
        for t in self.matches(text):
            for phrase in (t.term, t.expansion, *t.synonyms):
                if phrase and phrase.lower() not in lowered and phrase not in extra:
                    extra.append(phrase)
        return f"{text} ({'; '.join(extra)})" if extra else text
