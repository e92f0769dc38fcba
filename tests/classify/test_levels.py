"""Level order: four graded levels, "a-verifier" apart."""

from __future__ import annotations

import pytest

from rgpd_check.classify import GRADED, LEVELS, compare_levels
from rgpd_check.classify.levels import worst


def test_order() -> None:
    assert GRADED == ("recommande", "precautions", "deconseille", "a-proscrire")
    assert LEVELS[-1] == "a-verifier"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("recommande", "precautions", 1),
        ("a-proscrire", "deconseille", -1),
        ("deconseille", "deconseille", 0),
        ("a-verifier", "a-verifier", 0),
        ("a-verifier", "recommande", None),
        ("a-proscrire", "a-verifier", None),
    ],
)
def test_compare(old: str, new: str, expected: int | None) -> None:
    assert compare_levels(old, new) == expected


def test_worst() -> None:
    assert worst(["precautions", "a-proscrire", "recommande"]) == "a-proscrire"
    assert worst([]) == "recommande"
