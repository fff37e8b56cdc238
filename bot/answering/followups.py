"""Follow-up questions: "and in grade C?" straight after "grade B particle limit in operation?" in
the same thread (or DM) is answered as "grade C particle limit in operation?".

The last question of each place (platform, person, channel, thread) is kept for ``window`` seconds.
A short message that reads as a continuation is resolved against it: a slot of the same kind (a grade,
at rest / in operation, a particle size, a device, an isotope, a plate type, a population, a product)
is swapped in; otherwise the follow-up is added to the previous question. A new thread has no previous
question, so nothing carries over. With a database the last question is kept there
(``bot/service/places.py``), so any replica resolves the follow-up; without one, in this process's memory.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

MAX_WORDS = 7
_MARKER = re.compile(r"^\s*(?:and|&|what about|how about|what if|and what about|and for|and in|and at|same for|"
                     r"also|or|but|then|plus|ok and|ok so|so)\b[\s,]*", re.I)
_OWN_QUESTION = re.compile(r"\b(?:what|how|why|when|where|who|which|can|should|do|does|is|are)\b", re.I)
SLOTS = {
    "grade": r"\bgrades?\s+[a-d]\b",
    "state": r"\b(?:at rest|in operation|in use|during operation|operational)\b",
    "size": r"(?:[≥>=]\s?)?\b(?:0\.5|5)\s?(?:µm|um|microns?|micrometres?)\b",
    "device": r"\b(?:isolators?|laf(?: cabinets?)?|laminar (?:air)?flow cabinets?|bscs?|(?:biological )?safety cabinets?"
              r"|cabinets?|hatch(?:es)?|pass[- ]through)\b",
    "isotope": r"\b(?:tc|mo|f|ga|lu|i|in|ra|y|cs|co)-?\d{1,3}m?\b",
    "plate": r"\b(?:settle plates?|contact plates?|glove prints?|finger dabs?|active air(?: samples?)?|swabs?)\b",
    "population": r"\b(?:neonat\w*|premature babies|babies|infants?|adults?|paediatric\w*|children|child)\b",
    "product": r"\b(?:pn|tpn|chemo\w*|sact|cytotoxics?|monoclonals?|antibiotics?|radiopharmaceuticals?|atmps?|civas)\b",
    "band": r"\bband\s+\d[ab]?\b",
}
_SLOTS = {k: re.compile(v, re.I) for k, v in SLOTS.items()}


def is_follow_up(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_WORDS:
        return False
    if _MARKER.match(text):
        return True
    return len(words) <= 4 and not _OWN_QUESTION.search(text) and any(p.search(text) for p in _SLOTS.values())


def resolve(previous: str, follow_up: str) -> str:
    """The follow-up read in the light of the previous question."""
    rest = _MARKER.sub("", follow_up).strip(" ?.!,")
    resolved, swapped = previous, False
    for pattern in _SLOTS.values():
        new = pattern.search(rest)
        old = pattern.search(resolved)
        if new and old:
            resolved = resolved[:old.start()] + new.group(0) + resolved[old.end():]
            swapped = True
    if swapped:
        return resolved
    return f"{previous.rstrip(' ?.!')} {rest}".strip() + ("?" if previous.rstrip().endswith("?") else "")


@dataclass
class Turn:
    question: str | None
    at: float
    section_ref: str | None = None


class MemoryPlaces:
    """Each place's last question and quoted section in this process's memory (no database). The database
    twin, with the same three methods, is ``bot/service/places.SharedPlaces``."""

    def __init__(self, size: int = 10_000, clock=time.monotonic):
        self.clock = clock
        self._turns: OrderedDict[tuple, Turn] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def question(self, place: tuple, window: float) -> str | None:
        with self._lock:
            turn = self._turns.get(place)
            if turn is None or turn.question is None or self.clock() - turn.at > window:
                return None
            return turn.question

    def section(self, place: tuple) -> str | None:
        with self._lock:
            turn = self._turns.get(place)
            return turn.section_ref if turn is not None else None

    def remember(self, place: tuple, question: str | None = None, section_ref: str | None = None) -> None:
        with self._lock:
            turn = self._turns.get(place) or Turn(None, self.clock())
            if question is not None:
                turn.question, turn.at = question, self.clock()
            if section_ref is not None:
                turn.section_ref = section_ref
            self._turns[place] = turn
            self._turns.move_to_end(place)
            while len(self._turns) > self._size:
                self._turns.popitem(last=False)


class FollowUps:
    def __init__(self, window: float = 300.0, size: int = 10_000, clock=time.monotonic, store=None):
        self.window = window
        # question(place, window) / section(place) / remember(place, question=…, section_ref=…)
        self.store = store if store is not None else MemoryPlaces(size, clock)

    def resolve(self, place: tuple, text: str) -> str | None:
        """The resolved question when ``text`` follows up the previous one in this place, else None."""
        if not is_follow_up(text):  # cheap test first: only a follow-up needs the previous question
            return None
        prev = self.store.question(place, self.window)
        return resolve(prev, text) if prev is not None else None
