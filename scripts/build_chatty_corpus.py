"""Build the corpus of the "chatty" retrieval benchmark (tests/eval/chatty/, BEIR format) from the
knowledge pack: one corpus document per top-level section of each guidance document or course
(with its subsections), id ``<doc_id>#<section slug>``. Long, conversational questions over long
answers: the kind of data where convex fusion with a fixed weight was seen to lose to dense alone.

    .venv/bin/python scripts/build_chatty_corpus.py      # writes tests/eval/chatty/corpus.jsonl

The corpus is frozen in the repository (the queries and qrels refer to its ids); rebuild it only
together with the qrels.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indexer.discover import discover  # noqa: E402
from indexer.sources import parse_file  # noqa: E402

SKIP = {"references", "document history"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> None:
    out = ROOT / "tests" / "eval" / "chatty" / "corpus.jsonl"
    rows: dict[str, dict] = {}
    for sf in discover([ROOT / "knowledge"]):
        doc = parse_file(sf.path, sf.rel)
        for sec in doc.sections:
            if not sec.path or sec.path[0].lower() in SKIP:
                continue
            key = f"{doc.meta.doc_id}#{slug(sec.path[0])}"
            row = rows.setdefault(key, {"_id": key, "title": f"{doc.meta.title} — {sec.path[0]}", "text": ""})
            body = " ".join(sec.text.split())
            row["text"] = (row["text"] + " " + (" ".join(sec.path[1:]) + ": " if len(sec.path) > 1 else "") + body).strip()
    with open(out, "w", encoding="utf-8") as fh:
        for row in sorted(rows.values(), key=lambda r: r["_id"]):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} documents to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
