"""A minimal reading of the academy's approved list, for the website only.

The full format and loader belong to the CI-gate feature; this module reads just what the
site shows, ``tools: [{id, accepted_level, conditions, approved_by, approved_on,
review_by}]``, so that loader can replace :func:`load_approved` later without touching
the site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rgpd_check.catalog.vocabulary import STANCE_LEVELS as LEVELS
from rgpd_check.errors import InputError


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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def load_approved(path: Path) -> dict[str, Approval]:
    """Read the approved list; any problem is an input error (exit 2) naming the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{path}: liste approuvée illisible / unreadable approved list: {exc}"
        ) from None
    entries = raw.get("tools") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: 'tools' doit être une liste / 'tools' must be a list")
    approvals: dict[str, Approval] = {}
    for index, entry in enumerate(entries):
        where = f"{path}: tools[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise InputError(f"{where}: 'id' manquant / missing 'id'")
        level = entry.get("accepted_level")
        if level not in LEVELS:
            raise InputError(
                f"{where} ({entry['id']}): accepted_level {level!r} inconnu / unknown;"
                f" expected one of {', '.join(LEVELS)}"
            )
        conditions = entry.get("conditions") or []
        if not isinstance(conditions, list):
            raise InputError(f"{where}: 'conditions' doit être une liste / must be a list")
        approvals[entry["id"]] = Approval(
            tool_id=entry["id"],
            accepted_level=str(level),
            conditions=tuple(str(c) for c in conditions),
            approved_by=_text(entry.get("approved_by")),
            approved_on=_text(entry.get("approved_on")),
            review_by=_text(entry.get("review_by")),
        )
    return approvals
