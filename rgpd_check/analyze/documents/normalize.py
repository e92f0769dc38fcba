"""Folded text for matching, mapped back to the original offsets.

Patterns match regardless of accents, case, typographic apostrophes or line wrapping, yet
every quote must be an exact slice of the extracted text: folding keeps, for each folded
character, the offset of the original character it came from.
"""

from __future__ import annotations

import re
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


def fold_slow(text: str) -> Folded:
    """Character by character reference of ``fold`` (kept to test the fast path against)."""
    out: list[str] = []
    to_original: list[int] = []
    to_folded: list[int] = []
    last_space = True
    _fold_span(text, 0, len(text), out, to_original, to_folded, last_space, 0)
    to_folded.append(len(out))
    to_original.append(len(text))
    return Folded(text, "".join(out), tuple(to_original), tuple(to_folded))


def _fold_span(
    text: str,
    begin: int,
    stop: int,
    out: list[str],
    to_original: list[int],
    to_folded: list[int],
    last_space: bool,
    base: int,
) -> None:
    """Fold ``text[begin:stop]`` one character at a time, appending to the output lists.

    ``base`` is the folded length before ``out``'s first piece.
    """
    length = len(text)
    for i in range(begin, stop):
        char = text[i]
        to_folded.append(base + len(out))
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


def _class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


@lru_cache(maxsize=256)
def _plan(chars: frozenset[str]) -> tuple[dict[int, str], re.Pattern[str] | None]:
    """For the characters of a text: a one-to-one translation table, and a regex of the spans
    that are not one-to-one (whitespace runs, expansions, deletions, camelCase boundaries)."""
    table: dict[int, str] = {}
    spaces: set[str] = set()
    odd: set[str] = set()  # folded to zero or several characters
    deleted: set[str] = set()
    for char in chars:
        if char.isspace():
            spaces.add(char)
            if char != " ":
                table[ord(char)] = " "
            continue
        folded = _fold_char(char, True)
        if len(folded) != 1:
            odd.add(char)
            if not folded:
                deleted.add(char)
        elif folded != char:
            table[ord(char)] = folded
    upper = {c for c in chars if c.isupper()}
    lower = {c for c in chars if c.islower()}
    parts: list[str] = []
    blank = spaces | deleted
    if blank:
        # A run of blanks folds to one space (none at the start): only a lone space that
        # follows a visible character is one-to-one.
        parts += [f"{_class(blank)}{{2,}}", f"^{_class(blank)}+"]
    if odd:
        parts.append(_class(odd))
    if upper and lower:
        low = _class(lower)
        parts.append(f"(?<={low}{low}){_class(upper)}(?={low})")
    return table, re.compile("|".join(parts)) if parts else None


def fold(text: str) -> Folded:
    """Lower-case, strip accents, plain quotes and dashes, collapse whitespace, split camelCase.

    Most characters fold to exactly one character: those are translated in bulk, and only the
    spans that are not one-to-one go through the character loop (same result as
    ``fold_slow``, about twenty times faster on long documents).
    """
    table, special = _plan(frozenset(text))
    plain = text.translate(table)
    out: list[str] = []
    to_original: list[int] = []
    to_folded: list[int] = []
    done = 0
    for match in special.finditer(text) if special is not None else ():
        start, stop = match.span()
        if start > done:
            base = len(to_original)
            out.append(plain[done:start])
            to_original.extend(range(done, start))
            to_folded.extend(range(base, base + start - done))
        pieces: list[str] = []
        base = len(to_original)
        _fold_span(text, start, stop, pieces, to_original, to_folded, start == 0, base)
        out.append("".join(pieces))
        done = stop
    base = len(to_original)
    out.append(plain[done:])
    to_original.extend(range(done, len(text)))
    to_folded.extend(range(base, base + len(text) - done))
    to_folded.append(len(to_original))
    to_original.append(len(text))
    return Folded(text, "".join(out), tuple(to_original), tuple(to_folded))


def fold_text(text: str) -> str:
    """``fold(text).folded`` without the offset maps (language detection needs no quotes)."""
    table, special = _plan(frozenset(text))
    plain = text.translate(table)
    if special is None:
        return plain
    out: list[str] = []
    done = 0
    for match in special.finditer(text):
        start, stop = match.span()
        out.append(plain[done:start])
        pieces: list[str] = []
        _fold_span(text, start, stop, pieces, [], [], start == 0, 0)
        out.append("".join(pieces))
        done = stop
    out.append(plain[done:])
    return "".join(out)


def fold_name(name: str) -> str:
    """A place or company name folded exactly like document text."""
    return fold(name).folded.strip()
