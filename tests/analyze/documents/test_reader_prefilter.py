"""The literal pre-filter must return exactly what ``finditer`` returns, for every pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.matcher import occurrences
from rgpd_check.analyze.documents.normalize import fold
from rgpd_check.analyze.documents.prefilter import (
    LiteralIndex,
    finditer,
    literal_openings,
    plan,
    scan_text,
)
from rgpd_check.analyze.documents.vocabulary import load_vocabulary

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "docs"
TRICKY = [
    "",
    "Nous ne vendons pas vos données. We never sell your personal data.",
    "ſell perſonal data to İnc. and ıa dpo@example.test dpo.dpo@x.test.dpo@y.test",
    "sharesharesshare share shares (dpa) (the controller) a" * 3,
]


def _patterns() -> list[re.Pattern[str]]:
    vocab = load_vocabulary()
    return [p.rx.regex for spec in vocab.signals.values() for p in spec.patterns]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))[:6]]
    return [fold(t).folded for t in texts + TRICKY]


def test_most_vocabulary_patterns_have_literal_openings() -> None:
    patterns = _patterns()
    with_openings = [rx for rx in patterns if literal_openings(rx) is not None]
    assert len(with_openings) >= len(patterns) * 3 // 4


@pytest.mark.parametrize("text", _texts(), ids=lambda t: t[:20])
def test_same_matches_as_finditer(text: str) -> None:
    index = LiteralIndex(scan_text(text))
    for rx in _patterns():
        expected = [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in finditer(rx, text, index)] == expected, rx.pattern


def _within_sentences(doc: Document, rx: re.Pattern[str]) -> list[tuple[int, int, int]]:
    """What the matcher means by an occurrence: a match inside one sentence."""
    found = []
    for i in range(len(doc.sentences)):
        base = doc.fstarts[i]
        found += [(i, base + m.start(), base + m.end()) for m in rx.finditer(doc.ftext(i))]
    return found


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md"))[:8], ids=lambda p: p.name)
def test_required_literals_keep_every_sentence_match(path: Path) -> None:
    vocab = load_vocabulary()
    doc = Document.build(path.read_text(encoding="utf-8") + "\n" + TRICKY[2], "en", vocab)
    patterns = [rx for rx in _patterns() if plan(rx).required is not None]
    assert patterns, "some vocabulary patterns are filtered by required literals"
    for rx in patterns:
        assert sorted(occurrences(doc, rx)) == _within_sentences(doc, rx), rx.pattern


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        # the legal form is a whole word somewhere after a name that can start anywhere
        (r"\b[a-z][\w.]*,? (inc|gmbh|ag)\b", ((" ag", True), (" gmbh", True), (" inc", True))),
        # one set per branch of an alternation
        (r"\b\w+ (ltd)\b|\b(acme|zorg) cloud", ((" ltd", True), ("acme clo", False),
                                                ("zorg clo", False))),
        (r"\b\w+ (a|b)\b", None),  # too short to be worth it
    ],
)
def test_required(pattern: str, required: tuple[tuple[str, bool], ...] | None) -> None:
    assert plan(re.compile(pattern, re.IGNORECASE)).required == required


def test_word_start_openings_are_found_through_the_word_index() -> None:
    rx = re.compile(r"\b(act|sell)\w* (as|data)\b", re.IGNORECASE)
    assert plan(rx).openings == (("act", True), ("sell", True))
    text = "facts as data; it acts as x, actsas, sells data, resells data"
    index = LiteralIndex(scan_text(text))
    assert [m.group() for m in finditer(rx, text, index)] == ["acts as", "sells data"]
    assert index.starts("act", at_word=True) == [18, 29]  # "acts as", "actsas"; not "facts"


@pytest.mark.parametrize(
    ("pattern", "openings"),
    [
        (r"\b(share|shares|sell\w*) data", ("sell", "share")),  # sell\w* stops the opening
        # word-start openings are looked up by their first word and the character after it
        (r"\b(a|the) dpa\b|\(.?dpa.?\)", ("(", "a ", "the ")),
        (r"[\w.-]*@x", None),  # may start anywhere
        (r"\b(ne|n)\b", None),  # one letter is not selective
        (r"(?-i:Data)", None),  # local flags are not followed
    ],
)
def test_openings(pattern: str, openings: tuple[str, ...] | None) -> None:
    assert literal_openings(re.compile(pattern, re.IGNORECASE)) == openings


def test_ignorecase_look_alikes_are_found() -> None:
    rx = re.compile(r"\bsell\b", re.IGNORECASE)
    text = "we ſell it"
    assert [m.span() for m in finditer(rx, text, scan_text(text))] == [(3, 7)]


def test_ends_word_keeps_only_whole_words() -> None:
    index = LiteralIndex("an ag, the page, ag")
    assert index.ends_word("ag") == [3, 17]



def test_digit_openings_are_words_that_start_with_a_digit() -> None:
    rx = re.compile(r"\b\d{1,2} (ans|years)\b", re.IGNORECASE)
    assert plan(rx).openings == (("\x01", True),)
    text = "under 13 years, x13 years, 2fa, \u0663\u0663 years, 16 ans"
    index = LiteralIndex(scan_text(text))
    expected = [m.span() for m in rx.finditer(text)]
    assert [m.span() for m in finditer(rx, text, index)] == expected
    assert len(expected) == 3  # Arabic-Indic digits are digits too
