"""Run a pattern only where it can match, with exactly ``finditer``'s results.

Scanning a 100 KB document with each of the ~140 vocabulary patterns dominated reading time.
Most patterns open with a list of words (``\\b(share|sell|…)``): every match must start with
one of them. Finding those words and trying the pattern only there (in order, resuming after
each match) returns exactly what ``finditer`` returns, because ``search`` is nothing but
``match`` tried at each position in turn, and ``match`` at a position still sees the text
before it (``\\b``, look-behinds).

Openings are found through an index of the document's words when the pattern opens on a word
boundary (one dictionary look-up instead of a scan of the whole text per opening), with
``str.find`` otherwise. A pattern whose opening is not selective (``\\b[a-z][\\w.-]*, (inc|
llc|…)``) may still contain a mandatory group of literals further on (``required``): the
matcher then runs it only on the sentences where one of those occurs. Patterns without either
keep the plain scan.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # Python >= 3.11
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_MIN_LENGTH = 2
_MAX_PREFIXES = 400
_MAX_CLASS = 12
_MAX_REQUIRED = 8  # longer required literals only cost more scans
_MAX_LITERALS = 100  # one scan each: beyond, the plain scan is as cheap

# Characters that IGNORECASE equates with an ASCII letter although str.lower() does not
# (checked over every code point): mapped one to one, so positions do not move.
_IGNORECASE_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})

_STOP: tuple[frozenset[str], bool] = (frozenset({""}), False)
_ZERO: tuple[frozenset[str], bool] = (frozenset({""}), True)
_WORD_START = "\x00"  # zero-width mark: the opening follows a ``\\b``
_DIGIT = "\x01"  # mark: any decimal digit (``\\d``), looked up as words that start with one
_BOUNDARY: tuple[frozenset[str], bool] = (frozenset({_WORD_START}), True)
_WORD = re.compile(r"\w+")


def scan_text(folded: str) -> str:
    """The folded text in which literal openings are looked for (same length)."""
    return folded.translate(_IGNORECASE_FIXES)


def _char(code: int) -> str | None:
    char = chr(code)
    if not char.isascii():
        return None
    return char.lower()


def _item(op: Any, av: Any) -> tuple[frozenset[str], bool]:
    """(possible openings, whether they are whole matches of the item)."""
    c = _sre_constants
    if op is c.LITERAL:
        char = _char(av)
        return (frozenset({char}), True) if char is not None else _STOP
    if op is c.AT:
        return _BOUNDARY if av is c.AT_BOUNDARY else _ZERO
    if op in (c.ASSERT, c.ASSERT_NOT):
        return _ZERO  # zero width: skipping it only widens the candidates
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return _STOP
        return _seq(sub)
    if op is c.BRANCH:
        options: set[str] = set()
        full = True
        for alternative in av[1]:
            found, whole = _seq(alternative)
            options |= found
            full = full and whole
        return frozenset(options), full
    if op is c.IN:
        if list(av) == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            return frozenset({_DIGIT}), False
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is c.LITERAL:
                char = _char(sub_av)
            elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < _MAX_CLASS:
                for code in range(sub_av[0], sub_av[1] + 1):
                    char = _char(code)
                    if char is None:
                        return _STOP
                    chars.add(char)
                continue
            else:
                return _STOP
            if char is None:
                return _STOP
            chars.add(char)
        if not chars or len(chars) > _MAX_CLASS:
            return _STOP
        return frozenset(chars), True
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, sub = av
        found, whole = _seq(sub)
        if low == 0:
            if high == 1 and whole:
                return found | {""}, True
            return _STOP
        if low == 1 and high == 1:
            return found, whole
        return found, False
    return _STOP


def _seq(items: Any) -> tuple[frozenset[str], bool]:
    openings: frozenset[str] = frozenset({""})
    for op, av in items:
        found, whole = _item(op, av)
        grown = frozenset(a + b for a in openings for b in found)
        if len(grown) > _MAX_PREFIXES:
            return openings, False
        openings = grown
        if not whole:
            return openings, False
    return openings, True


def _split(opening: str) -> tuple[str, bool]:
    """(literal, whether it must start a word): a boundary mark counts only in front.

    A digit mark ends the literal; alone at a word start it stands for "a word that starts
    with a digit" (``\\b\\d``), and anywhere else it leaves nothing to look for.
    """
    literal = opening.replace(_WORD_START, "")
    at_word = opening.startswith(_WORD_START)
    if _DIGIT in literal:
        literal = literal[: literal.index(_DIGIT)] or (_DIGIT if at_word else "")
    return literal, at_word


def _selective(opening: str) -> bool:
    """Rare enough to be worth looking for: two characters, or one that is not alphanumeric."""
    if opening == _DIGIT:
        return True  # only ever at a word start (see ``_split``)
    return len(opening) >= _MIN_LENGTH or (len(opening) == 1 and not opening.isalnum())


def _minimal(openings: frozenset[str]) -> tuple[str, ...]:
    """Drop openings that start with another one (its occurrences already cover them)."""
    kept: list[str] = []
    for opening in sorted(openings, key=len):
        if not any(opening.startswith(k) for k in kept):
            kept.append(opening)
    return tuple(sorted(kept))


@dataclass(frozen=True)
class Plan:
    """Where a pattern can match: its openings, or failing that literals it must contain."""

    openings: tuple[tuple[str, bool], ...] | None  # (literal, must start a word)
    required: Required | None = None


def _first_word(literal: str) -> str:
    head = _WORD.match(literal)
    return literal if head is None else literal[: head.end() + 1]


def _openings(found: frozenset[str]) -> tuple[tuple[str, bool], ...] | None:
    split = {_split(o) for o in found}
    if not split or not all(_selective(literal) for literal, _word in split):
        return None
    anywhere = _minimal(frozenset(literal for literal, word in split if not word))
    # A word-start literal is looked up by its first word: what follows that word's next
    # character only multiplies the look-ups ("acts as a", "acts as the"… → "acts ").
    at_word = _minimal(frozenset(_first_word(literal) for literal, word in split if word))
    at_word = tuple(o for o in at_word if not any(o.startswith(a) for a in anywhere))
    return tuple((o, False) for o in anywhere) + tuple((o, True) for o in at_word)


Required = tuple[tuple[str, bool], ...]  # (literal, must end a word)


def _score(literals: Required) -> int:
    """How rare the least rare literal is: its visible characters, two more if it ends a word."""
    return min(len(literal.replace(" ", "")) + 2 * end for literal, end in literals)


def _minimal_required(literals: set[tuple[str, bool]]) -> Required:
    """Drop literals found wherever a shorter one is (one that need not end a word)."""
    covering = _minimal(frozenset(literal for literal, end in literals if not end))
    return tuple(
        sorted(
            (literal, end)
            for literal, end in literals
            if (literal in covering and not end) or not any(literal.startswith(c) for c in covering)
        )
    )


def _required(items: Any) -> Required | None:
    """The most selective set of literals one of which every match contains.

    Every match ends with a match of each tail ``items[k:]`` of the sequence, and that tail
    starts with one of its openings; an alternation in the sequence needs one set per branch.
    """
    candidates: list[Required] = []
    for op, av in items:
        if op is _sre_constants.BRANCH:
            branches = [_required(list(alternative)) for alternative in av[1]]
            if all(b is not None for b in branches):
                candidates.append(_minimal_required({lit for b in branches if b for lit in b}))
    for k in range(len(items)):
        literals: set[tuple[str, bool]] = set()
        for opening in _seq(items[k:])[0]:
            literal, _mark, rest = opening.lstrip(_WORD_START).partition(_WORD_START)
            ends_word = bool(_mark) and literal[-1:].isalnum()  # "\\b" after a letter
            if _DIGIT in literal:
                literal, ends_word = literal[: literal.index(_DIGIT)], False
            if len(literal) > _MAX_REQUIRED:  # a prefix of a required literal is required
                literal, ends_word = literal[:_MAX_REQUIRED], False
            literals.add((literal, ends_word))
        if literals and all(_selective(literal) for literal, _end in literals):
            candidates.append(_minimal_required(literals))
    candidates = [c for c in candidates if len(c) <= _MAX_LITERALS]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (_score(c), -len(c)))
    return best if _score(best) >= 4 else None


@lru_cache(maxsize=4096)
def plan(regex: re.Pattern[str]) -> Plan:
    """How to pre-filter ``regex`` (only case-insensitive patterns: the text is folded)."""
    if not regex.flags & re.IGNORECASE:
        return Plan(None)
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        low, _high = parsed.getwidth()
        found, _whole = _seq(parsed)
    except Exception:  # noqa: BLE001 - an unparsable pattern only costs speed
        return Plan(None)
    openings = _openings(found) if low > 0 else None
    if openings is not None:
        return Plan(openings)
    return Plan(None, _required(list(parsed)))


def literal_openings(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which starts every match of ``regex``, or None when unknown."""
    openings = plan(regex).openings
    if openings is None:
        return None
    return _minimal(frozenset(literal for literal, _word in openings))


def positions(scan: str, opening: str) -> list[int]:
    """Every start of ``opening`` in ``scan`` (overlapping ones included)."""
    found: list[int] = []
    find = scan.find
    i = find(opening)
    while i >= 0:
        found.append(i)
        i = find(opening, i + 1)
    return found


class LiteralIndex:
    """Where literals occur in one document's scan text, looked up once and kept."""

    def __init__(self, scan: str) -> None:
        self.scan = scan
        self._found: dict[tuple[str, bool], list[int]] = {}
        self._words: dict[str, list[int]] | None = None
        self._sorted: list[str] = []

    def _word_index(self) -> dict[str, list[int]]:
        if self._words is None:  # built on first use: one pass over the document
            words: dict[str, list[int]] = {}
            for match in _WORD.finditer(self.scan):
                words.setdefault(match.group(), []).append(match.start())
            self._words = words
            self._sorted = sorted(words)
        return self._words

    def starts(self, literal: str, at_word: bool = False) -> list[int]:
        """Sorted starts of ``literal`` (only those that start a word when ``at_word``)."""
        key = (literal, at_word)
        found = self._found.get(key)
        if found is None:
            head = _WORD.match(literal)
            if literal == _DIGIT:
                found = self._digit_words() if at_word else []
            elif at_word and head is not None:
                found = self._word_starts(literal, head.group())
            else:
                found = positions(self.scan, literal)
            self._found[key] = found
        return found

    def _digit_words(self) -> list[int]:
        """Starts of the words that start with a decimal digit (what ``\\b\\d`` can match)."""
        words = self._word_index()
        found = [p for word, starts in words.items() if word[0].isdecimal() for p in starts]
        return sorted(found)

    def ends_word(self, literal: str) -> list[int]:
        """Starts of ``literal`` where it is not followed by a word character."""
        scan, size = self.scan, len(literal)
        return [
            p
            for p in self.starts(literal)
            if p + size >= len(scan) or not _WORD.match(scan, p + size)
        ]

    def _word_starts(self, literal: str, head: str) -> list[int]:
        """A word start is a token start of ``\\w+``, exactly where ``\\b\\w`` holds."""
        words = self._words if self._words is not None else self._word_index()
        if len(head) < len(literal):  # the literal goes on after its first word
            startswith = self.scan.startswith
            return [p for p in words.get(head, ()) if startswith(literal, p)]
        found: list[int] = []
        keys = self._sorted
        i = bisect_left(keys, head)
        while i < len(keys) and keys[i].startswith(head):
            found += words[keys[i]]
            i += 1
        found.sort()
        return found


def finditer(
    regex: re.Pattern[str],
    text: str,
    scan: str | LiteralIndex,
) -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)``, trying the pattern only at its openings."""
    openings = plan(regex).openings
    if openings is None:
        yield from regex.finditer(text)
        return
    index = scan if isinstance(scan, LiteralIndex) else LiteralIndex(scan)
    starts: set[int] = set()
    for literal, at_word in openings:
        starts.update(index.starts(literal, at_word))
    resume = 0
    match = regex.match
    for start in sorted(starts):
        if start < resume:
            continue
        hit = match(text, start)
        if hit is not None:
            yield hit
            resume = hit.end()
