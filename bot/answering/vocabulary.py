"""The words the indexed material uses: which of a question's terms the material knows at all.

A term the material never mentions (a drug, an isotope, a regulator, a device it does not cover) is the
strongest sign a question is out of scope. Typos ("particel") are forgiven: a word one edit away from a
known word counts as known.
"""
from __future__ import annotations

import math
import re
from collections import Counter

WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*[a-z0-9]|[a-z0-9]", re.I)
COMMON = set("""
a about above after again against all am an and any are aren't as at be because been before being below between
both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from
further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his
how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor not
of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd
they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were
weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't you
you'd you'll you're you've your yours yourself yourselves whats hi hello thanks thank please pls plz ok okay quick
question one im ive dont cant wont u ur ya yeah yes just really actually also still get got go going know need
needs want wanted mean means say says said tell told ask asked sure think thought like thing things way lot much
many new old use used using make made do done does doing anyone someone something anything every everyone
""".split())


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Vocabulary:
    def __init__(self, texts: list[str]):
        counts: Counter[str] = Counter()
        for t in texts:
            counts.update(set(words(t)))
        self.n = max(len(texts), 1)
        self.df = counts
        self._near: dict[str, str] = {}
        for w in counts:
            if len(w) >= 5 and not w.isdigit():
                for d in _deletions(w):
                    self._near.setdefault(d, w)

    def known(self, word: str) -> bool:
        """In the material, or one insertion, deletion or substitution away from a word that is."""
        w = word.lower()
        if w in self.df or w.isdigit():
            return True
        if len(w) < 5:
            return False
        return w in self._near or any(d in self.df or d in self._near for d in _deletions(w))

    def idf(self, word: str) -> float:
        return math.log((self.n + 1) / (self.df.get(word.lower(), 0) + 1)) + 1.0

    def content_words(self, text: str) -> list[str]:
        return [w for w in words(text) if w not in COMMON and (len(w) > 1 or w in "abcdk")]

    def unknown(self, text: str) -> list[str]:
        """The question's content words the material never uses (typos forgiven)."""
        return [w for w in self.content_words(text) if len(w) >= 3 and not self.known(w)]
