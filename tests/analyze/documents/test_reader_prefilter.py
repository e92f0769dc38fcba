"""The literal pre-filter must return exactly what ``finditer`` returns, for every pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rgpd_check.analyze.documents.normalize import fold
from rgpd_check.analyze.documents.prefilter import finditer, literal_openings, scan_text
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
    scan = scan_text(text)
    cache: dict[str, list[int]] = {}
    for rx in _patterns():
        expected = [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in finditer(rx, text, scan, cache)] == expected, rx.pattern


@pytest.mark.parametrize(
    ("pattern", "openings"),
    [
        (r"\b(share|shares|sell\w*) data", ("sell", "share")),  # sell\w* stops the opening
        (r"\b(a|the) dpa\b|\(.?dpa.?\)", ("(", "a dpa", "the dpa")),
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
