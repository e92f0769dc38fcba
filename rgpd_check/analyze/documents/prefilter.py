"""Run a pattern only where one of its literal openings occurs, with ``finditer``'s results.

Scanning a 100 KB document with each of the ~140 vocabulary patterns dominated reading time.
Most patterns open with a list of words (``\\b(share|sell|…)``): every match must start with
one of them. Finding those words with ``str.find`` and trying the pattern only there (in
order, resuming after each match) returns exactly what ``finditer`` returns, because
``search`` is nothing but ``match`` tried at each position in turn, and ``match`` at a
position still sees the text before it (``\\b``, look-behinds). Patterns whose opening cannot
be reduced to selective literals keep the plain scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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

# Characters that IGNORECASE equates with an ASCII letter although str.lower() does not
# (checked over every code point): mapped one to one, so positions do not move.
_IGNORECASE_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})

_STOP: tuple[frozenset[str], bool] = (frozenset({""}), False)
_ZERO: tuple[frozenset[str], bool] = (frozenset({""}), True)

_CACHE: dict[re.Pattern[str], tuple[str, ...] | None] = {}


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
    if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
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


def _selective(opening: str) -> bool:
    """Rare enough to be worth looking for: two characters, or one that is not alphanumeric."""
    return len(opening) >= _MIN_LENGTH or (len(opening) == 1 and not opening.isalnum())


def _minimal(openings: frozenset[str]) -> tuple[str, ...]:
    """Drop openings that start with another one (its occurrences already cover them)."""
    kept: list[str] = []
    for opening in sorted(openings, key=len):
        if not any(opening.startswith(k) for k in kept):
            kept.append(opening)
    return tuple(sorted(kept))


def literal_openings(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which starts every match of ``regex``, or None when unknown."""
    if regex in _CACHE:
        return _CACHE[regex]
    result: tuple[str, ...] | None = None
    if regex.flags & re.IGNORECASE:
        try:
            parsed = _sre_parse.parse(regex.pattern, regex.flags)
            low, _high = parsed.getwidth()
            found, _whole = _seq(parsed)
        except Exception:  # noqa: BLE001 - an unparsable opening only costs speed
            found, low = frozenset(), 0
        if low > 0 and found and all(_selective(o) for o in found):
            result = _minimal(found)
    _CACHE[regex] = result
    return result


def positions(scan: str, opening: str) -> list[int]:
    """Every start of ``opening`` in ``scan`` (overlapping ones included)."""
    found: list[int] = []
    find = scan.find
    i = find(opening)
    while i >= 0:
        found.append(i)
        i = find(opening, i + 1)
    return found


def finditer(
    regex: re.Pattern[str],
    text: str,
    scan: str,
    cache: dict[str, list[int]] | None = None,
) -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)``, trying the pattern only at its openings."""
    openings = literal_openings(regex)
    if openings is None:
        yield from regex.finditer(text)
        return
    starts: set[int] = set()
    for opening in openings:
        if cache is not None:
            found = cache.get(opening)
            if found is None:
                found = cache[opening] = positions(scan, opening)
        else:
            found = positions(scan, opening)
        starts.update(found)
    resume = 0
    match = regex.match
    for start in sorted(starts):
        if start < resume:
            continue
        hit = match(text, start)
        if hit is not None:
            yield hit
            resume = hit.end()
