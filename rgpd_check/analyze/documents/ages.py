"""Minimum age to use the service, in digits or words, and per-country age tables.

"Under 13" is a minimum age only when the sentence forbids use; with a parental path
("under 16 with a parent's consent") it is a consent threshold instead. Where the document
gives a table by country, France's row is the value and the whole table is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.matcher import occurrences

_MIN, _MAX = 8, 21
_country_rx: dict[int, re.Pattern[str]] = {}


@dataclass(frozen=True)
class AgeFinding:
    """The minimum age, the per-country table if any, and the evidence."""

    value: int | None
    table: dict[str, int] | None
    quotes: list[tuple[int, int, int]]  # (sentence, folded start, folded end)


def _age(doc: Document, text: str) -> int | None:
    match = doc.vocab.ages.number.regex.search(text)
    if match is None:
        return None
    word = match.group()
    value = int(word) if word.isdigit() else doc.vocab.ages.words.get(word.lower())
    if value is None or not _MIN <= value <= _MAX:
        return None
    return value


def _countries(doc: Document) -> re.Pattern[str]:
    key = id(doc.vocab)
    if key not in _country_rx:
        places = doc.vocab.places
        names = sorted(
            (n for n, c in places.names.items() if c in places.country_codes and c != "EU"),
            key=len,
            reverse=True,
        )
        _country_rx[key] = re.compile(  # the text is folded: IGNORECASE lets it be pre-filtered
            r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE
        )
    return _country_rx[key]


def _sentences_matching(doc: Document, *regexes: re.Pattern[str]) -> list[int]:
    """Sentences where one of ``regexes`` matches: one pass over the document each."""
    return sorted({index for rx in regexes for index, _s, _e in occurrences(doc, rx)})


def _candidates(doc: Document) -> list[tuple[int, int, int, int]]:
    """(age, sentence, start, end) of every sentence that sets a minimum age."""
    ages = doc.vocab.ages
    found: list[tuple[int, int, int, int]] = []
    # Only a sentence with an age bound ("at least 13", "under 16", "of full age") that is
    # about use or a ban can set an age: one pass over the document per bound pattern instead
    # of searching every sentence that has a number in it.
    # The bounds are rare and the words of use common: the latter are looked for only in the
    # few sentences with a bound.
    bounded = _sentences_matching(
        doc, *(rx.regex for rx in (*ages.lower, *ages.upper, *ages.full_age))
    )
    for index in bounded:
        text = doc.ftext(index)
        base = doc.fstarts[index]
        usage = bool(ages.usage.regex.search(text))
        if not (usage or ages.prohibit.regex.search(text) or ages.use_prohibit.regex.search(text)):
            continue
        coppa = bool(ages.coppa.regex.search(text))
        banned = (
            bool(ages.use_prohibit.regex.search(text))
            if coppa
            else bool(ages.prohibit.regex.search(text))
        )
        if coppa and not banned:
            continue
        parental = banned and bool(ages.parental.regex.search(text))  # matters only if banned
        if usage:
            for rx in ages.lower:
                for match in rx.regex.finditer(text):
                    value = _age(doc, match.group())
                    if value is not None:
                        found.append((value, index, base + match.start(), base + match.end()))
            found.extend(
                (18, index, base + match.start(), base + match.end())
                for rx in ages.full_age
                for match in rx.regex.finditer(text)
            )
        if banned and not parental:
            for rx in ages.upper:
                for match in rx.regex.finditer(text):
                    value = _age(doc, match.group())
                    if value is not None:
                        found.append((value, index, base + match.start(), base + match.end()))
    return found


def _rows(doc: Document) -> list[tuple[int, str, int]]:
    """(sentence, ISO code or 'default', age) of short lines pairing one country and an age."""
    countries = _countries(doc)
    places = doc.vocab.places
    rows: list[tuple[int, str, int]] = []
    for index in _sentences_matching(doc, doc.vocab.ages.number.regex):
        sentence = doc.sentences[index]
        text = doc.ftext(index)
        if len(text) > 100 or sentence.is_heading:
            continue
        names = {places.names[m.group()] for m in countries.finditer(text)}
        rest = countries.sub(" ", text)
        value = _age(doc, rest)
        if value is None:
            continue
        if len(names) == 1:
            rows.append((index, names.pop(), value))
        elif not names and doc.vocab.ages.default_row.regex.search(text):
            rows.append((index, "default", value))
    return rows


def _inline_pairs(doc: Document, index: int) -> dict[str, int]:
    """ "13 ans en Belgique, 15 ans en France" inside one sentence."""
    countries = _countries(doc)
    places = doc.vocab.places
    text = doc.ftext(index)
    pairs: dict[str, int] = {}
    for match in countries.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        near = re.search(
            r"(\w+)\s*(ans|years?( old)?)?\s*(in|en|au|aux|pour|for|dans)\s+"
            r"(the |la |le |l.|les )?$",
            before,
        )
        value = _age(doc, near.group(1)) if near else None
        if value is None:
            follow = re.match(r"\s*[(:=–-]\s*(\w+)", after)
            value = _age(doc, follow.group(1)) if follow else None
        if value is not None:
            pairs[places.names[match.group()]] = value
    return pairs


def _table(doc: Document) -> tuple[dict[str, int], list[int]] | None:
    ages = doc.vocab.ages
    rows = _rows(doc)
    runs: list[list[tuple[int, str, int]]] = []
    for row in rows:
        if runs and row[0] - runs[-1][-1][0] <= 2:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        if len({code for _, code, _ in run if code != "default"}) < 2:
            continue
        first = run[0][0]
        context = " ".join(doc.ftext(i) for i in range(max(0, first - 3), first + 1))
        context += " " + doc.heading_text(first)
        if ages.table_cue.regex.search(context):
            return {code: value for _, code, value in run}, [i for i, _, _ in run]
    named = Counter(index for index, _s, _e in occurrences(doc, _countries(doc)))
    for index in sorted(i for i, count in named.items() if count >= 2):  # two countries
        pairs = _inline_pairs(doc, index)
        if len(pairs) >= 2 and ages.table_cue.regex.search(doc.ftext(index)):
            return pairs, [index]
    return None


def find_min_age(doc: Document) -> AgeFinding:
    """The minimum age the document sets, France's row first when there is a table."""
    table = _table(doc)
    if table is not None:
        values, indexes = table
        value = values.get("FR", values.get("default"))
        row = next(
            (
                i
                for i in indexes
                if "FR"
                in {
                    doc.vocab.places.names.get(m.group())
                    for m in _countries(doc).finditer(doc.ftext(i))
                }
            ),
            indexes[0],
        )
        quote = (row, doc.fstarts[row], doc.fends[row])
        return AgeFinding(value, dict(values), [quote])
    candidates = _candidates(doc)
    if not candidates:
        return AgeFinding(None, None, [])
    best = min(candidates, key=lambda c: (c[0], c[1]))
    quotes = [(best[1], best[2], best[3])]
    return AgeFinding(best[0], None, quotes)
