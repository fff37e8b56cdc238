""""Who can I ask about X?": the expert directory answers with names, roles and how to reach them.

Entries come from the database (synced from knowledge/experts.yaml, with each expert's own
availability) when training records are set up, otherwise straight from knowledge/experts.yaml.
Experts are matched to the topic by embedding similarity to their role, description and topics, plus
a bonus for a topic named word for word.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from bot.db import experts as ex_db

_ASK = re.compile(
    r"^\s*(?:hi[,!]?\s+|hey[,!]?\s+)?(?:who|whom)(?:'s| is| are| do| does| can| could| should| would| else)?\b.{0,40}?"
    r"\b(?:ask|contact|talk to|speak to|speak with|email|message|go to|knows?|expert|specialist|lead)\b"
    r"(?:\s+(?:about|on|for|with|in|regarding|re)\b)?\s*(?P<topic>.*)$"
    r"|^\s*(?:is there|are there|do we have|have we got)\s+(?:an?|any)\s+(?:expert|specialist|lead|someone|anyone)\s+"
    r"(?:on|for|in|about|who knows(?: about)?)\s+(?P<topic2>.+)$"
    r"|^\s*(?:i need|can i get|can i talk to|put me in touch with)\s+(?:an?|the)\s+(?:expert|specialist)\s+"
    r"(?:on|for|in|about)\s+(?P<topic3>.+)$", re.I | re.S)
_SIGNOFF_WORDS = re.compile(r"\bsign(?:s|ed|ing)?[ -]?(?:me |them |someone )?off\b|\bassess(?:es|or)?\b|\bcountersign", re.I)


def expert_topic(text: str) -> str | None:
    """The topic of a "who can I ask about …" message, or None when it is not one."""
    if _SIGNOFF_WORDS.search(text):
        return None  # "who can sign me off for …" is a competency question
    m = _ASK.match(text.strip())
    if not m:
        return None
    topic = next((g for g in (m.group("topic"), m.group("topic2"), m.group("topic3")) if g), "")
    topic = re.sub(r"^(?:about|on|for|with|in|regarding)\s+", "", topic.strip(), flags=re.I).strip(" ?.!")
    return topic if len(topic) >= 2 else None


@dataclass
class Entry:
    name: str
    role: str
    job_title: str
    email: str
    site: str
    topics: list[str]
    description: str
    available: bool
    slack_user: str | None = None


def entries_from_yaml(path: Path) -> list[Entry]:
    if not Path(path).exists():
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [Entry(e["name"], e["role"], e.get("job_title", ""), e["email"], e.get("site", ""), list(e.get("topics") or []),
                  str(e.get("description", "")).strip(), bool(e.get("available", True)),
                  (e.get("slack") or {}).get("user_id")) for e in data.get("experts") or []]


def entries_from_db(sessions) -> list[Entry]:
    with sessions() as session:
        out = []
        for p in ex_db.profiles(session):
            if p.is_fallback:
                continue
            slack = next((i.user_key for i in p.person.identities if i.platform == "slack"), None)
            out.append(Entry(p.person.name, p.role_title, p.person.job_title or "", p.person.email, p.person.site or "",
                             json.loads(p.topics), p.description, p.available, slack))
        return out


class ExpertDirectory:
    def __init__(self, entries: Callable[[], list[Entry]], embed: Callable[[list[str]], np.ndarray]):
        self._entries = entries
        self._embed = embed
        self._cache: dict[str, np.ndarray] = {}

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._cache]
        if missing:
            for t, v in zip(missing, self._embed(missing)):
                self._cache[t] = np.asarray(v, dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def find(self, topic: str, n: int = 2) -> list[tuple[float, Entry]]:
        entries = self._entries()
        if not entries:
            return []
        texts = [f"{e.role}. {e.description} Topics: {', '.join(e.topics)}" for e in entries]
        q = self._vectors([topic])[0]
        scores = self._vectors(texts) @ q
        low = topic.lower()
        ranked = []
        for e, s in zip(entries, scores.tolist()):
            named = any(t.lower() in low or low in t.lower() for t in e.topics + [e.role])
            ranked.append((s + (0.2 if named else 0.0), e))
        ranked.sort(key=lambda se: (-se[0], not se[1].available))
        best = ranked[0][0]
        return [se for se in ranked if se[0] >= best - 0.06][:n]


def describe(topic: str, found: list[tuple[float, Entry]], fallback_email: str | None = None) -> str:
    if not found:
        return ("The expert directory is empty, so I can't name anyone. Ask your training lead"
                + (f" or email {fallback_email}." if fallback_email else "."))
    lines = [f"For {topic}, these are the subject matter experts in the directory:"]
    for _, e in found:
        state = "available for questions" if e.available else "not taking questions at the moment"
        lines.append(f"• {e.name} — {e.role} ({e.job_title}{', ' + e.site if e.site else ''}), {e.email} — {state}.")
    lines.append("Type `expert` and your question (or use Ask an expert) and I'll route it to the right person "
                 "and tell you when they answer.")
    return "\n".join(lines)
