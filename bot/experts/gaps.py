"""Knowledge-gap report: declined, escalated and unhelpful questions grouped into topics."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.db import experts as ex_db

STOP = set("""a about after again all am an and any are as at be because been before being between both but by can
could did do does doing for from had has have how i if in into is it its just me more most my no not of on once
only or other our out over own same should so some such than that the their them then there these they this to
too under until up very was we were what when where which while who whom why will with would you your whats
hows im ive dont do does need ok okay please pls""".split())


@dataclass
class GapItem:
    question: str
    reason: str  # declined | escalated | not helpful
    when: dt.datetime
    docs: list[str]


@dataclass
class GapCluster:
    label: str
    items: list[GapItem] = field(default_factory=list)

    @property
    def reasons(self) -> Counter:
        return Counter(i.reason for i in self.items)

    @property
    def documents(self) -> list[tuple[str, int]]:
        return Counter(d for i in self.items for d in i.docs).most_common(5)


def collect(session: Session, since: dt.datetime) -> list[GapItem]:
    items: dict[str, GapItem] = {}
    for row in ex_db.questions_since(session, since):
        if row.outcome in ("declined", "out_of_scope"):
            reason = "declined" if row.outcome == "declined" else "clinical (out of scope)"
            items.setdefault(row.question.lower(), GapItem(row.question, reason, row.created_at,
                                                           [c["doc_id"] for c in json.loads(row.cited)]))
    for fb, row in ex_db.unhelpful_since(session, since):
        items.setdefault(row.question.lower(), GapItem(row.question, "not helpful", fb.created_at,
                                                       [c["doc_id"] for c in json.loads(row.cited)]))
    for esc in ex_db.escalations_since(session, since):
        key = esc.question.lower()
        docs = [p["doc_id"] for p in json.loads(esc.passages)]
        if key in items:
            items[key].reason = "escalated"
        else:
            items[key] = GapItem(esc.question, "escalated", esc.created_at, docs)
    return list(items.values())


def cluster(items: list[GapItem], embed: Callable[[list[str]], np.ndarray], threshold: float = 0.55) -> list[GapCluster]:
    """Greedy single-pass clustering on normalised embeddings: join the nearest centroid above ``threshold``."""
    if not items:
        return []
    vecs = embed([i.question for i in items])
    centroids: list[np.ndarray] = []
    members: list[list[int]] = []
    for n, v in enumerate(vecs):
        if centroids:
            sims = np.array([float(c @ v) / float(np.linalg.norm(c)) for c in centroids])
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                members[best].append(n)
                centroids[best] = centroids[best] + v
                continue
        centroids.append(v.copy())
        members.append([n])
    clusters = [GapCluster(_label([items[i].question for i in idx]), [items[i] for i in idx]) for idx in members]
    return sorted(clusters, key=lambda c: (-len(c.items), c.label))


def _label(questions: list[str]) -> str:
    words = Counter(w for q in questions for w in set(re.findall(r"[a-z0-9][a-z0-9-]+", q.lower())) if w not in STOP)
    top = [w for w, _ in words.most_common(3)]
    return " / ".join(top) if top else "miscellaneous"


def gap_report(sessions: sessionmaker[Session], embed: Callable[[list[str]], np.ndarray],
               since: dt.datetime) -> list[GapCluster]:
    with sessions() as session:
        return cluster(collect(session, since), embed)


def render_markdown(clusters: list[GapCluster], since: dt.datetime, titles: dict[str, str]) -> str:
    total = sum(len(c.items) for c in clusters)
    lines = [f"# Knowledge-gap report since {since:%Y-%m-%d}", "",
             f"{total} questions were declined, escalated or rated not helpful, in {len(clusters)} topics.", ""]
    for n, c in enumerate(clusters, 1):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(c.reasons.items()))
        lines += [f"## {n}. {c.label} — {len(c.items)} question(s) ({reasons})", ""]
        lines += [f"- “{i.question}” ({i.reason}, {i.when:%Y-%m-%d})" for i in c.items[:5]]
        if c.documents:
            lines += ["", "Documents involved: " + "; ".join(f"{titles.get(d, d)} [{d}] ×{k}" for d, k in c.documents)]
        lines.append("")
    return "\n".join(lines)


def render_csv(clusters: list[GapCluster]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["topic", "topic_size", "question", "reason", "date_utc", "documents"])
    for c in clusters:
        for i in c.items:
            w.writerow([c.label, len(c.items), i.question, i.reason, i.when.isoformat(), " ".join(i.docs)])
    return buf.getvalue()
