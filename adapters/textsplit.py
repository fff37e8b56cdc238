"""Split long text into pieces that fit a platform's limit without losing a character of it: at line
breaks where possible, then between words, and only inside a word longer than the limit itself."""
from __future__ import annotations


def _cut_word(word: str, limit: int) -> list[str]:
    out = []
    while len(word) > limit:
        cut = limit
        amp = word.rfind("&", max(0, cut - 6), cut)  # never inside an escaped entity such as &amp;
        if amp > 0 and ";" not in word[amp:cut]:
            cut = amp
        out.append(word[:cut])
        word = word[cut:]
    return out + [word]


def _split_line(line: str, limit: int) -> list[str]:
    pieces, current = [], ""
    for word in line.split(" "):
        for part in _cut_word(word, limit):
            candidate = f"{current} {part}" if current else part
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = part
    return pieces + ([current] if current else [])


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters; joined with line breaks they read as the original."""
    if len(text) <= limit:
        return [text]
    pieces, current = [], ""
    for line in text.split("\n"):
        parts = _split_line(line, limit) if len(line) > limit else [line]
        for part in parts:
            candidate = f"{current}\n{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces
