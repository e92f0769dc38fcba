"""Find the sentences that state a signal, with their polarity, scope and value.

A pattern hit survives only if its sentence passes the signal's guards and exclusions, its
companion patterns (``also``) are found nearby, and, for list items, the sentence that
introduces the list fits (``intro``). Negation then decides affirmed or denied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rgpd_check.analyze.documents.clauses import is_guarded, polarity, scope
from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.prefilter import finditer, plan
from rgpd_check.analyze.documents.values import EXTRACTORS, has_value
from rgpd_check.analyze.documents.vocabulary import PatternSpec, SignalSpec


@dataclass(frozen=True)
class Hit:
    """One sentence that states (or denies) a signal."""

    signal: str
    pattern: str
    index: int
    fstart: int
    fend: int
    status: str  # "affirmed" | "denied"
    value: Any
    deny_pattern: bool = False
    condition: tuple[int, int] | None = None
    doc: Document | None = field(default=None, compare=False, repr=False)

    @cached_property
    def scope(self) -> str | None:
        """Words that limit the statement; worked out only for the hits a result quotes."""
        if self.doc is None:
            return None
        return scope(self.doc, self.index, self.fstart, self.fend, self.condition)


def occurrences(doc: Document, regex: re.Pattern[str]) -> Iterator[tuple[int, int, int]]:
    """(sentence, start, end) of every match that lies inside one sentence."""
    required = plan(regex).required
    if required is not None:
        yield from _in_sentences(doc, regex, _sentences_with(doc, required))
        return
    text = doc.folded.folded
    searched: set[int] = set()
    for match in finditer(regex, text, doc.literals):
        index = doc.sentence_at(match.start())
        if index is None or index in searched:
            continue
        if match.end() <= doc.fends[index]:
            yield index, match.start(), match.end()
            continue
        last = doc.sentence_at(max(match.start(), match.end() - 1))
        last = index if last is None else last
        todo = [i for i in range(index, last + 1) if i not in searched]
        searched.update(todo)
        yield from _in_sentences(doc, regex, todo)


def _sentences_with(doc: Document, literals: tuple[tuple[str, bool], ...]) -> list[int]:
    """Sentences in which one of ``literals`` starts (a match lies inside one sentence)."""
    found: set[int] = set()
    for literal, ends_word in literals:
        starts = doc.literals.ends_word(literal) if ends_word else doc.literals.starts(literal)
        for position in starts:
            index = doc.sentence_at(position)
            if index is not None:
                found.add(index)
    return sorted(found)


def _in_sentences(
    doc: Document, regex: re.Pattern[str], indexes: list[int]
) -> Iterator[tuple[int, int, int]]:
    for i in indexes:
        base = doc.fstarts[i]
        for inner in regex.finditer(doc.ftext(i)):
            yield i, base + inner.start(), base + inner.end()


_LIST_MARKER = re.compile(r"^\W{0,3}(\(?[a-z0-9]{1,3}[.)]\s)?")


def _at_start(doc: Document, index: int, start: int) -> bool:
    sentence = doc.ftext(index)
    offset = start - doc.fstarts[index]
    marker = _LIST_MARKER.match(sentence)
    skip = marker.end() if marker else 0
    return offset <= skip + 3


def _within_clause(
    doc: Document, regex: re.Pattern[str], index: int, start: int, end: int
) -> tuple[int, int]:
    """Narrow a match that runs across a clause boundary to the clause that completes it.

    "We do not sell data, but we share it with advertisers": the sharing is stated in the
    clause after "but", and only there may a negation apply.
    """
    base = doc.fstarts[index]
    sentence = doc.ftext(index)
    boundaries = [
        b.end()
        for b in doc.vocab.cues.clause_boundary.regex.finditer(sentence, start - base, end - base)
    ]
    for cut in reversed(boundaries):
        match = regex.search(sentence, cut, len(sentence))
        if match and match.end() <= end - base:
            return base + match.start(), base + match.end()
    return start, end


def _context_ok(doc: Document, pattern: PatternSpec, index: int, start: int) -> bool:
    if pattern.at_start and not _at_start(doc, index, start):
        return False
    if pattern.in_table and not doc.sentences[index].is_table_row:
        return False
    if pattern.also:
        text = doc.window(index, pattern.near, pattern.near) if pattern.near else doc.ftext(index)
        heading = doc.heading_text(index) if pattern.in_heading else ""
        header = doc.table_header_text(index)
        for rx in pattern.also:
            if not (
                rx.regex.search(text)
                or (heading and rx.regex.search(heading))
                or (header and rx.regex.search(header))
            ):
                return False
    if pattern.intro is not None:
        sentence = doc.sentences[index]
        if not (sentence.is_item or sentence.is_table_row):
            return False
        intro = doc.intro_text(index)
        heading = doc.heading_text(index)
        if not (
            (intro and pattern.intro.regex.search(intro))
            or (heading and pattern.intro.regex.search(heading))
        ):
            return False
    return True


def find_hits(doc: Document, spec: SignalSpec) -> list[Hit]:
    """Every hit of a signal in the document, in reading order."""
    hits: list[Hit] = []
    cues = doc.vocab.cues
    verdicts: dict[int, bool] = {}
    extractor = EXTRACTORS.get(spec.value) if spec.value else None
    for pattern in spec.patterns:
        for index, start, end in occurrences(doc, pattern.rx.regex):
            sentence = doc.sentences[index]
            if sentence.is_table_header:
                continue
            start, end = _within_clause(doc, pattern.rx.regex, index, start, end)
            if index not in verdicts:
                text = doc.ftext(index)
                verdicts[index] = not (
                    any(rx.regex.search(text) for rx in spec.exclude)
                    or is_guarded(doc, index, spec.guards, cues)
                )
            if not verdicts[index]:
                continue
            if any(rx.regex.search(doc.ftext(index)) for rx in pattern.exclude):
                continue
            if not _context_ok(doc, pattern, index, start):
                continue
            value = extractor(doc, index, start, end) if extractor else None
            if (spec.value_required or pattern.value_required) and not has_value(value):
                continue
            state = polarity(doc, index, start, end)
            if pattern.polarity == "affirm_only" and state.negated:
                continue  # "no advertising cookies" is not a promise of no advertising
            if pattern.polarity == "deny":
                status = "denied"
            elif spec.negatable and state.negated:
                status = "denied"
            else:
                status = "affirmed"
            hits.append(
                Hit(
                    spec.name,
                    pattern.id,
                    index,
                    start,
                    end,
                    status,
                    value,
                    pattern.polarity == "deny",
                    state.condition,
                    doc,
                )
            )
    denied_by_pattern = {h.index for h in hits if h.deny_pattern}
    hits = [
        h
        for h in hits
        if h.deny_pattern or h.index not in denied_by_pattern or h.status == "denied"
    ]
    hits.sort(key=lambda h: (h.fstart, h.fend))
    return hits
