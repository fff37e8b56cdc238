""""How do I get signed off for X?": the competency from the framework — its evidence, who may
assess it, how long it lasts, the linked courses and guidance — and how to send the request."""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from .framework import Competency, Framework

_SIGNOFF = re.compile(
    r"\b(?:get|be|getting|being)\s+(?:me\s+)?signed[ -]?off\b|\bsign(?:ed)?[ -]?off\s+(?:for|on|in|with)\b"
    r"|\bwho can sign (?:me|someone|them) off\b|\bwhat evidence\b|\bevidence (?:do|would|will|should) (?:i|we) need\b"
    r"|\bwhat do i need (?:to (?:show|get|do|have) )?(?:for|to get) (?:my |the )?.{0,40}(?:sign[ -]?off|competenc)"
    r"|\bcompetenc(?:y|e|ies) (?:for|in|on)\b|\b(?:get|be) assessed (?:for|on|in)\b|\bsign[- ]?off requirements?\b", re.I)
_TOPIC = re.compile(r"\b(?:for|on|in|with)\s+(?:my\s+|the\s+|a\s+)?(?P<topic>[^?.!]{2,80})", re.I)
_ID = re.compile(r"\b([A-Z]{2,5})-?(\d{1,2})\b", re.I)


def signoff_topic(text: str) -> str | None:
    """What a "how do I get signed off for …" message is about, or None when it is not one."""
    if not _SIGNOFF.search(text):
        return None
    m = _ID.search(text)
    if m:
        return f"{m.group(1).upper()}-{int(m.group(2)):02d}"
    found = [t.group("topic").strip() for t in _TOPIC.finditer(text)]
    found = [re.sub(r"\b(?:sign[ -]?off|signed off|competenc\w*)\b", "", t, flags=re.I).strip() for t in found]
    found = [t for t in found if len(t) >= 3]
    return found[-1] if found else text


class CompetencyFinder:
    def __init__(self, framework: Callable[[], Framework | None], embed: Callable[[list[str]], np.ndarray]):
        self._framework = framework
        self._embed = embed
        self._vectors: tuple[str, np.ndarray, list[Competency]] | None = None

    @property
    def framework(self) -> Framework | None:
        return self._framework()

    def find(self, topic: str, n: int = 3) -> list[tuple[float, Competency]]:
        fw = self.framework
        if fw is None:
            return []
        exact = fw.get(topic)
        if exact:
            return [(1.0, exact)]
        if self._vectors is None or self._vectors[0] != fw.version:
            comps = list(fw.competencies.values())
            vecs = np.asarray(self._embed([f"{c.title}. {c.description}" for c in comps]), dtype=np.float32)
            self._vectors = (fw.version, vecs, comps)
        _, vecs, comps = self._vectors
        q = np.asarray(self._embed([topic])[0], dtype=np.float32)
        words = set(re.findall(r"\w{3,}", topic.lower()))
        scored = []
        for c, s in zip(comps, (vecs @ q).tolist()):
            title = set(re.findall(r"\w{3,}", c.title.lower()))
            scored.append((s + 0.1 * len(words & title) / max(1, len(words)), c))
        scored.sort(key=lambda sc: -sc[0])
        best = scored[0][0]
        return [sc for sc in scored if sc[0] >= best - 0.04][:n]


def _assessor(c: Competency) -> str:
    who = {"mentor": "a mentor (or an expert)", "expert": "a subject matter expert", "admin": "an administrator"}
    return f"{who.get(c.assessor_role, c.assessor_role)} at band {c.assessor_min_band} or above"


def describe(c: Competency, fw: Framework, others: list[Competency]) -> str:
    titled = lambda ids: ", ".join(f"{fw.doc_titles.get(i, i)} ({i})" for i in ids) or "none listed"  # noqa: E731
    lines = [f"{c.id} {c.title} — band {c.band} (framework {fw.version})", c.description, "Evidence the assessor needs:"]
    lines += [f"• {e}" for e in c.evidence]
    lines.append(f"Assessed by: {_assessor(c)}; you cannot sign your own request.")
    lines.append(f"Revalidation: every {c.revalidate_months} months." if c.revalidate_months
                 else "Revalidation: none — it does not expire.")
    lines.append(f"Courses: {titled(c.courses)}")
    lines.append(f"Guidance: {titled(c.guidance)}")
    lines.append(f"To ask for sign-off: use Request sign-off, or type `/signoff {c.id} MENTOR-EMAIL what you did, with links`.")
    if others:
        lines.append("Did you mean another one? " + "; ".join(f"{o.id} {o.title}" for o in others))
    return "\n".join(lines)
