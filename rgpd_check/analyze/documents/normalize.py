"""Folded text for matching, mapped back to the original offsets.

Patterns match regardless of accents, case, typographic apostrophes or line wrapping, yet
every quote must be an exact slice of the extracted text: folding keeps, for each folded
character, the offset of the original character it came from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_PLAIN = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "\u2032": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00b0": "°",
    "\u0153": "oe",
    "\u0152": "oe",
    "\u00e6": "ae",
    "\u00c6": "ae",
    "\u00df": "ss",
    "\ufb01": "fi",
    "\ufb02": "fl",
}
_INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@lru_cache(maxsize=4096)
def _fold_char(char: str, lower: bool) -> str:
    if char in _PLAIN:
        return _PLAIN[char]
    if char in _INVISIBLE:
        return ""
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.lower() if lower else base


def fold_pattern(pattern: str) -> str:
    """A regex written by a person, folded like the text (case kept: escapes like \\W)."""
    return "".join(_fold_char(c, False) for c in pattern)


@dataclass(frozen=True)
class Folded:
    """Original text, its folded form and the offset maps between them."""

    text: str
    folded: str
    to_original: tuple[int, ...]
    to_folded: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering folded [start, end)."""
        if end <= start:
            pos = self.to_original[start] if start < len(self.to_original) else len(self.text)
            return pos, pos
        return self.to_original[start], self.to_original[end - 1] + 1

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """Folded [start, end) covering original [start, end)."""
        return self.to_folded[start], self.to_folded[end]


def fold(text: str) -> Folded:
    """Lower-case, strip accents, plain quotes and dashes, collapse whitespace, split camelCase."""
    out: list[str] = []
    to_original: list[int] = []
    to_folded: list[int] = []
    last_space = True
    length = len(text)
    for i, char in enumerate(text):
        to_folded.append(len(out))
        if char.isspace():
            if not last_space:
                out.append(" ")
                to_original.append(i)
                last_space = True
            continue
        if (
            char.isupper()
            and i >= 2
            and text[i - 1].islower()
            and text[i - 2].islower()
            and i + 1 < length
            and text[i + 1].islower()
        ):
            out.append(" ")  # "theAgreement" (text glued by a PDF export) reads "the agreement"
            to_original.append(i)
        for piece in _fold_char(char, True):
            out.append(piece)
            to_original.append(i)
            last_space = False
    to_folded.append(len(out))
    to_original.append(length)
    return Folded(text, "".join(out), tuple(to_original), tuple(to_folded))


def fold_name(name: str) -> str:
    """A place or company name folded exactly like document text."""
    return fold(name).folded.strip()
