"""Folded text for matching, mapped back to the original offsets.

Patterns match regardless of accents, case, typographic apostrophes or line wrapping, yet
every quote must be an exact slice of the extracted text: folding keeps, for each folded
character, the offset of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

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


class OffsetMap(Sequence[int]):
    """Positions in one text for each position in another, kept as runs.

    Folding maps almost every character one to one, so the map is long runs of consecutive
    positions: each run is stored by its first value (or, for the few spans that are not one
    to one, by its values), and a look-up is a binary search over the runs.
    """

    __slots__ = ("_starts", "_firsts", "_values", "_length")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._firsts: list[int] = []
        self._values: list[list[int] | None] = []
        self._length = 0

    def add_run(self, first: int, length: int) -> None:
        """``first``, ``first + 1``, … for the next ``length`` positions."""
        if length > 0:
            self._starts.append(self._length)
            self._firsts.append(first)
            self._values.append(None)
            self._length += length

    def add_values(self, values: list[int]) -> None:
        """Explicit values for the next ``len(values)`` positions."""
        if values:
            self._starts.append(self._length)
            self._firsts.append(values[0])
            self._values.append(values)
            self._length += len(values)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        run = bisect_right(self._starts, index) - 1
        values = self._values[run]
        offset = index - self._starts[run]
        return values[offset] if values is not None else self._firsts[run] + offset

    def __iter__(self) -> Iterator[int]:
        for first, values, start, end in zip(
            self._firsts, self._values, self._starts, [*self._starts[1:], self._length], strict=True
        ):
            yield from values if values is not None else range(first, first + end - start)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Folded:
    """Original text, its folded form and the offset maps between them."""

    text: str
    folded: str
    to_original: Sequence[int]
    to_folded: Sequence[int]

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
    to_original, to_folded = OffsetMap(), OffsetMap()
    folded_length = 0
    done = 0
    for match in special.finditer(text) if special is not None else ():
        start, stop = match.span()
        if start > done:
            out.append(plain[done:start])
            to_original.add_run(done, start - done)
            to_folded.add_run(folded_length, start - done)
            folded_length += start - done
        pieces: list[str] = []
        originals: list[int] = []
        foldeds: list[int] = []
        _fold_span(text, start, stop, pieces, originals, foldeds, start == 0, folded_length)
        out.append("".join(pieces))
        to_original.add_values(originals)
        to_folded.add_values(foldeds)
        folded_length += len(originals)
        done = stop
    out.append(plain[done:])
    to_original.add_run(done, len(text) - done)
    to_folded.add_run(folded_length, len(text) - done)
    folded_length += len(text) - done
    to_folded.add_values([folded_length])
    to_original.add_values([len(text)])
    return Folded(text, "".join(out), to_original, to_folded)


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
