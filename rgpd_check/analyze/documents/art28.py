"""GDPR art. 28(3) clauses a–h found as processor commitments.

A clause only counts in a processor-commitment context: the document presents itself as a
processing agreement, or the sentence sits under a heading about the processor's
obligations. A controller's privacy policy that mentions its own security measures or an
annual audit does not contain art. 28 clauses.
"""

from __future__ import annotations

from dataclasses import dataclass

from rgpd_check.analyze.documents.clauses import is_guarded
from rgpd_check.analyze.documents.document import Document

LETTERS = "abcdefgh"


@dataclass(frozen=True)
class ClauseFinding:
    """Where each clause was found, and whether the document is a processing agreement."""

    agreement: bool
    clauses: dict[str, tuple[int, int, int]]  # letter -> (sentence, folded start, end)


def find_clauses(doc: Document) -> ClauseFinding:
    """First evidence of each art. 28(3) letter in a processor-commitment context."""
    art = doc.vocab.art28
    folded = doc.folded.folded
    agreement = bool(
        art.gate_title.regex.search(folded[:600]) or art.gate_self.regex.search(folded)
    )
    eligible = [
        index
        for index, sentence in enumerate(doc.sentences)
        if not sentence.is_table_header
        and (agreement or art.gate_heading.regex.search(doc.heading_text(index)))
        and not is_guarded(doc, index, ("definition",), doc.vocab.cues)
    ]
    found: dict[str, tuple[int, int, int]] = {}
    for letter in LETTERS:
        spec = art.letters[letter]
        attempts = [(rx, eligible) for rx in spec.patterns]  # most telling first
        if spec.heading is not None:
            under = [i for i in eligible if spec.heading.regex.search(doc.heading_text(i))]
            attempts += [(rx, under) for rx in spec.heading_patterns]
        for rx, indexes in attempts:
            for index in indexes:
                match = rx.regex.search(doc.ftext(index))
                if match:
                    base = doc.fstarts[index]
                    found[letter] = (index, base + match.start(), base + match.end())
                    break
            if letter in found:
                break
    return ClauseFinding(agreement, found)
