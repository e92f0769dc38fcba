"""Split extracted text into sentences with offsets, headings, list items and table rows.

Sentences are the unit of matching: a pattern never runs across two of them, negation stops
at their end, and quotes are (parts of) sentences. Headings give context to the paragraphs
under them ("Sub-processors" above a list of company names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(
    r"\s*(?:[-*•·▪◦–]|\d{1,3}(?:\.\d{1,3})*[.)]|[a-zA-Z][.)]|\([a-zA-Z0-9]{1,4}\))\s+"
)
_BULLET = re.compile(r"\s*(?:[-*•·▪◦–]|\([a-zA-Z0-9]{1,4}\))\s+")
_ENDS_BLOCK = re.compile(r"[.!?:;]\s*$")
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
_NEXT_STARTS = re.compile(r"[A-ZÀ-ÖØ-Þ0-9\"'«“(\[*•-]")
_MAX_SENTENCE = 700


@dataclass(frozen=True)
class Sentence:
    """A sentence, heading, list item or table row, in original-text offsets."""

    index: int
    start: int
    end: int
    block: int
    heading: int | None
    is_heading: bool
    is_item: bool
    is_table_row: bool
    is_table_header: bool
    ends_with_colon: bool


@dataclass
class _Line:
    start: int
    end: int
    text: str
    table: bool
    item: bool


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            end = start + len(stripped)
            table = " | " in stripped or stripped.startswith("|")
            lines.append(_Line(start, end, stripped, table, bool(_ITEM.match(stripped))))
        else:
            lines.append(_Line(pos, pos, "", False, False))
        pos += len(raw) + 1
    return lines


def _blocks(text: str) -> list[tuple[int, int, bool, bool, bool]]:
    """(start, end, is_item, is_table_row, single_line) for every block."""
    blocks: list[list[_Line]] = []
    previous: _Line | None = None
    for line in _lines(text):
        if not line.text:
            previous = None
            continue
        joins = (
            previous is not None
            and blocks
            and not line.table
            and not line.item
            and not previous.table
            and line.text[0].islower()
            and not _ENDS_BLOCK.search(previous.text)
        )
        if joins:
            blocks[-1].append(line)
        else:
            blocks.append([line])
        previous = line
    return [(b[0].start, b[-1].end, b[0].item, b[0].table, len(b) == 1) for b in blocks]


def _is_heading(text: str, is_item: bool, is_table: bool, single: bool) -> bool:
    if not single or is_table or len(text) > 120 or not any(c.isalpha() for c in text):
        return False
    if is_item and _BULLET.match(text):
        return False
    if text.rstrip().endswith((".", ",", ";")) or len(text.split()) > 15:
        return False
    if text.rstrip().endswith(":") and len(text.split()) > 3:
        return False  # "The sub-processors are:" introduces a list, it is not a title
    return not text.startswith("(")


def _split_block(
    text: str, start: int, end: int, abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    segment = text[start:end]
    spans: list[tuple[int, int]] = []
    cut = 0
    for match in _BOUNDARY.finditer(segment):
        after = match.end()
        if after >= len(segment) or not _NEXT_STARTS.match(segment, after):
            continue
        before = segment[cut : match.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if word in abbreviations or (len(word) == 1 and word.isalpha()):
            continue
        if re.fullmatch(r"[\d.]+", word) and len(before) == 1:
            continue  # "1. Title": list numbering, not a sentence end
        spans.append((start + cut, start + match.start() + len(match.group().rstrip())))
        cut = after
    spans.append((start + cut, end))
    result: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > _MAX_SENTENCE:
            piece = text[s:e]
            split = piece.rfind("; ", 0, _MAX_SENTENCE)
            if split <= 0:
                split = piece.rfind(" ", 0, _MAX_SENTENCE)
            if split <= 0:
                break
            result.append((s, s + split + 1))
            s = s + split + 1
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            result.append((s, e))
    return result


def segment(text: str, abbreviations: frozenset[str]) -> list[Sentence]:
    """Sentences of ``text`` in reading order."""
    blocks = _blocks(text)
    sentences: list[Sentence] = []
    heading: int | None = None
    for number, (start, end, is_item, is_table, single) in enumerate(blocks):
        previous_table = number > 0 and blocks[number - 1][3]
        next_table = number + 1 < len(blocks) and blocks[number + 1][3]
        header = is_table and not previous_table and next_table
        block_text = text[start:end]
        if _is_heading(block_text, is_item, is_table, single):
            heading = len(sentences)
            sentences.append(
                Sentence(
                    len(sentences),
                    start,
                    end,
                    number,
                    heading,
                    True,
                    is_item,
                    False,
                    False,
                    block_text.endswith(":"),
                )
            )
            continue
        for s, e in _split_block(text, start, end, abbreviations):
            sentences.append(
                Sentence(
                    len(sentences),
                    s,
                    e,
                    number,
                    heading,
                    False,
                    is_item,
                    is_table,
                    header,
                    text[s:e].rstrip().endswith(":"),
                )
            )
    return sentences
