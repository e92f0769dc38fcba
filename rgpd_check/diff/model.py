"""What changed between two audits of the same tool, as plain data (every format reads it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LevelChange:
    """``direction``: better, worse, same, or not_comparable (to or from "a-verifier")."""

    old: str
    new: str
    direction: str


@dataclass(frozen=True)
class FindingChange:
    """One rule whose result changed; ``change`` says how it reads for the referent."""

    rule: str
    family: str
    kind: str
    severity: str
    title: str
    old: str | None
    new: str | None
    change: str
    # "added" or "removed" when the rule itself is new or gone from the rule set.
    rule_status: str | None = None


@dataclass(frozen=True)
class ListChange:
    """Items of a summary list (countries, providers, domains) that appeared or went away."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class DocumentChange:
    """A document by URL: ``added``, ``removed``, ``changed`` (text hash), ``not_comparable``."""

    type: str | None
    url: str
    change: str
    old_hash: str | None = None
    new_hash: str | None = None


@dataclass
class AuditDiff:
    """Two reports compared; ``notes`` warn about what may explain a change (context, rules)."""

    tool: str
    old_date: str
    new_date: str
    level: LevelChange
    computed_level: LevelChange
    override: dict[str, Any] | None
    findings: list[FindingChange]
    trackers: ListChange
    third_parties: ListChange
    hosting_countries: ListChange
    hosting_providers: ListChange
    documents: list[DocumentChange]
    notes: list[dict[str, str]]

    @property
    def unchanged(self) -> bool:
        """Nothing a referent would act on changed."""
        return (
            self.level.direction == "same"
            and self.override is None
            and not self.findings
            and not any(
                c.changed
                for c in (
                    self.trackers,
                    self.third_parties,
                    self.hosting_countries,
                    self.hosting_providers,
                )
            )
            and not self.documents
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unchanged"] = self.unchanged
        return data
