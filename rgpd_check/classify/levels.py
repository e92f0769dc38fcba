"""The five levels and how they compare.

Four graded levels are ordered; "a-verifier" stands apart: comparing it with a graded level
has no answer, so a change to or from it is never reported as better or worse.
"""

from __future__ import annotations

from collections.abc import Iterable

GRADED: tuple[str, ...] = ("recommande", "precautions", "deconseille", "a-proscrire")
UNVERIFIED = "a-verifier"
LEVELS: tuple[str, ...] = (*GRADED, UNVERIFIED)
SEVERITIES: tuple[str, ...] = ("info", "minor", "major", "critical", "blocker")


def severity_rank(severity: str) -> int:
    """0 for info up to 4 for blocker."""
    return SEVERITIES.index(severity)


def compare_levels(old: str, new: str, order: tuple[str, ...] = GRADED) -> int | None:
    """-1 when ``new`` is better, 0 the same, 1 worse; None when one side is "a-verifier"."""
    if old == new:
        return 0
    if old not in order or new not in order:
        return None
    return 1 if order.index(new) > order.index(old) else -1


def worst(levels: Iterable[str], order: tuple[str, ...] = GRADED) -> str:
    """The worst graded level of ``levels`` (the best one of ``order`` when empty)."""
    return max(levels, key=order.index, default=order[0])
