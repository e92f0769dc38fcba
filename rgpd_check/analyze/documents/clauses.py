"""Negation, conditions and scope around a match, within its clause.

"Nous ne vendons jamais vos données" is a denial; "if you do not consent, ..." is a condition,
not a denial; "for users of the free version" limits a statement. All three are decided on
the words of the clause that holds the match, never across a "but"/"mais" or a sentence end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.vocabulary import Cues

_CLAUSE_END = re.compile(r"[,;:.()|]")
_MAX_SCOPE_WORDS = 14


@dataclass(frozen=True)
class Polarity:
    """Whether a match is negated, and the condition that limits it, if any."""

    negated: bool
    condition: tuple[int, int] | None  # folded offsets within the sentence


@lru_cache(maxsize=8)
def _any_of(regexes: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern that matches where one of ``regexes`` does (None when they cannot be
    joined: different flags, or a group reference)."""
    flags = {regex.flags for regex in regexes}
    if len(flags) != 1:
        return None
    try:
        return re.compile("|".join(f"(?:{regex.pattern})" for regex in regexes), flags.pop())
    except re.error:
        return None


def _blank(text: str, regexes: tuple[re.Pattern[str], ...]) -> str:
    # Most clauses hold no exception at all: one search then says that no pattern would blank
    # anything (blanking only happens after a first match), instead of one pass per pattern.
    joined = _any_of(regexes)
    if joined is not None and joined.search(text) is None:
        return text
    for regex in regexes:
        text = regex.sub(lambda m: " " * len(m.group()), text)
    return text


def polarity(doc: Document, index: int, start: int, end: int) -> Polarity:
    """Negation and condition of the match [start, end) (folded, document offsets)."""
    cues = doc.vocab.cues
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    ms, me = start - base, end - base
    clause_start = 0
    for match in cues.clause_boundary.regex.finditer(sentence, 0, ms):
        clause_start = match.end()
    condition: tuple[int, int] | None = None
    for match in cues.condition.regex.finditer(sentence, clause_start, ms):
        comma = sentence.find(",", match.end())
        region_end = comma if comma != -1 else len(sentence)
        if region_end <= ms:
            clause_start = max(clause_start, region_end + 1)
            condition = (match.start(), region_end)
        else:
            condition = (match.start(), region_end)
            break
    exceptions = tuple(rx.regex for rx in cues.negation_exceptions)
    window = _blank(sentence[clause_start:me], exceptions)
    offset = ms - clause_start
    negated = False
    for cue in cues.negation:
        for match in cue.rx.regex.finditer(window):
            if cue.max_words is not None and match.end() <= offset:
                if len(window[match.end() : offset].split()) > cue.max_words:
                    continue
            negated = True
            break
        if negated:
            break
    if not negated:
        after = _blank(sentence[me : me + 60], exceptions)
        negated = any(rx.regex.search(after) for rx in cues.post_negation)
    inside_condition = condition is not None and condition[0] <= ms < condition[1]
    if negated and inside_condition:
        return Polarity(False, condition)
    return Polarity(negated, condition)


def _clause_bounds(doc: Document, index: int, start: int, end: int) -> tuple[int, int]:
    cues = doc.vocab.cues
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    ms, me = start - base, end - base
    clause_start = 0
    for match in cues.clause_boundary.regex.finditer(sentence, 0, ms):
        clause_start = match.end()
    following = cues.clause_boundary.regex.search(sentence, me)
    clause_end = following.start() if following else len(sentence)
    return clause_start, clause_end


def scope(
    doc: Document, index: int, start: int, end: int, condition: tuple[int, int] | None
) -> str | None:
    """Words that limit the statement ("for users outside the EEA"), in original text."""
    cues = doc.vocab.cues
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    lo, hi = _clause_bounds(doc, index, start, end)
    spans: list[tuple[int, int]] = []
    if condition is not None:
        spans.append(condition)
    # A limit may follow the clause ("..., except for ...") or precede it ("Pour les ...,").
    lo = max(0, lo - 80)
    hi = min(len(sentence), hi + 120)
    for rx in cues.scope:
        for match in rx.regex.finditer(sentence, lo, hi):
            if start - base <= match.start() < end - base:
                continue  # the scope word is part of the evidence itself
            stop = _CLAUSE_END.search(sentence, match.end())
            phrase_end = stop.start() if stop else len(sentence)
            words = sentence[match.start() : phrase_end].split()
            if len(words) > _MAX_SCOPE_WORDS:
                phrase_end = match.start() + len(" ".join(words[:_MAX_SCOPE_WORDS]))
            spans.append((match.start(), phrase_end))
    if not spans:
        return None
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    phrases = []
    for s, e in merged[:3]:
        o_start, o_end = doc.folded.original_span(base + s, base + e)
        phrase = doc.text[o_start:o_end].strip(" ,;:")
        if phrase:
            phrases.append(phrase)
    return " ; ".join(phrases) or None


def is_guarded(doc: Document, index: int, guards: tuple[str, ...], cues: Cues) -> bool:
    """True when one of the shared guards matches the sentence."""
    sentence = doc.ftext(index)
    return any(rx.regex.search(sentence) for name in guards for rx in cues.guards[name])
