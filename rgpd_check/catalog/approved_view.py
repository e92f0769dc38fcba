"""The academy's approved list as the website shows it: decision, conditions, review date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Approval:
    """The academy's own decision about one tool, and its conditions of use."""

    tool_id: str
    accepted_level: str
    conditions: tuple[str, ...] = ()
    approved_by: str | None = None
    approved_on: str | None = None
    review_by: str | None = None

    def review_overdue(self, today: dt.date | None = None) -> bool:
        if not self.review_by:
            return False
        try:
            return dt.date.fromisoformat(self.review_by) < (today or dt.date.today())
        except ValueError:
            return False


def load_approved(path: Path) -> dict[str, Approval]:
    """The academy's decisions by tool id, read with the CI gate's validating loader.

    The same file drives ``rgpd-check ci``: one format, one loader, ``file:line:col`` errors
    (exit 2). Tools given by URL and name are keyed by the id the reports layout uses.
    """
    from rgpd_check.gate import load_approved as load_approved_list

    approved = load_approved_list(path)
    return {
        tool.id: Approval(
            tool_id=tool.id,
            accepted_level=tool.accepted_level,
            conditions=tuple(tool.conditions),
            approved_by=tool.approved_by,
            approved_on=tool.approved_on.isoformat(),
            review_by=tool.review_by.isoformat(),
        )
        for tool in approved.tools
    }
