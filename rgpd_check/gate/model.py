"""The approved list as typed, immutable data (``approved.yaml`` of an academy).

Every object keeps the line where it was written, because every reason the gate gives must
point the reader at the line of the list to look at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# Graded levels, best first: an accepted level is one of these; "a-verifier" is apart.
GRADED_LEVELS = ("recommande", "precautions", "deconseille", "a-proscrire")
UNKNOWN_LEVEL = "a-verifier"
SCHOOL_LEVEL_ORDER = ("ecole", "college", "lycee")  # youngest first


def level_rank(level: str) -> int:
    """Position in the graded order; ``a-verifier`` is not comparable and raises."""
    return GRADED_LEVELS.index(level)


def is_worse(level: str, accepted: str) -> bool:
    """True when a graded ``level`` is worse than ``accepted``."""
    return level_rank(level) > level_rank(accepted)


@dataclass(frozen=True)
class Context:
    """Who uses the tool; evaluations use the most demanding audience and youngest pupils."""

    audience: str | None = None
    school_levels: tuple[str, ...] = ()

    @property
    def school_level(self) -> str | None:
        """The youngest level: rules about minors must hold for the youngest pupils."""
        for level in SCHOOL_LEVEL_ORDER:
            if level in self.school_levels:
                return level
        return None


@dataclass(frozen=True)
class Waiver:
    """A finding the academy accepts until a date, for a stated reason."""

    finding: str
    until: dt.date
    reason: str
    line: int


@dataclass(frozen=True)
class PinnedDocument:
    type: str
    url: str
    text_hash: str
    text_hash_version: str
    line: int


@dataclass(frozen=True)
class Baseline:
    """What the tool looked like when it was approved (written by ``rgpd-check ci pin``)."""

    pinned_on: dt.date | None
    audit: str | None
    level: str | None
    documents: tuple[PinnedDocument, ...]
    third_party_domains: tuple[str, ...]
    tracker_domains: tuple[str, ...]
    # None: the hosting was not known when pinned (nothing to compare with).
    hosting_countries: tuple[str, ...] | None
    hosting_providers: tuple[str, ...] | None
    line: int
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class ApprovedTool:
    """One entry of the list: the tool, the academy's decision and its pinned baseline."""

    id: str
    name: str
    urls: tuple[str, ...]
    catalog_id: str | None
    accepted_level: str
    context: Context
    conditions: tuple[str, ...]
    approved_by: str
    approved_on: dt.date
    review_by: dt.date
    waivers: tuple[Waiver, ...]
    baseline: Baseline | None
    line: int
    lines: dict[str, int] = field(default_factory=dict)
    notes: str | None = None

    def line_of(self, key: str) -> int:
        """Line of one of the entry's keys (the entry's own line when absent)."""
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class ApprovedList:
    path: Path
    display: str
    academy: str | None
    tools: tuple[ApprovedTool, ...]

    @property
    def by_id(self) -> dict[str, ApprovedTool]:
        return {tool.id: tool for tool in self.tools}
