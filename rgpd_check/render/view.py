"""What every human-readable format shows, in the order it shows it.

HTML and Markdown share this reading of the report so they never disagree on grouping or
ordering: per family, risks that matched (worst first), then unknowns, then safeguards,
then the rules that raised nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FAMILIES: tuple[str, ...] = ("hosting", "dpa", "minors", "trackers", "security")
LEVELS: tuple[str, ...] = ("recommande", "precautions", "deconseille", "a-proscrire", "a-verifier")
SEVERITIES: tuple[str, ...] = ("blocker", "critical", "major", "minor", "info")
RELIABILITIES: tuple[str, ...] = ("observed", "declared", "heuristic")

Finding = dict[str, Any]


def severity_rank(severity: str) -> int:
    """0 for the worst severity; unknown severities sort last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _by_severity(finding: Finding) -> tuple[int, str]:
    return severity_rank(finding.get("severity", "")), finding.get("rule", "")


def _by_rule(finding: Finding) -> str:
    return str(finding.get("rule", ""))


def status_key(finding: Finding) -> str:
    """Catalog key of a finding's status, e.g. ``finding.status_risk_match``."""
    if finding.get("result") == "unknown":
        return "finding.status_unknown"
    return f"finding.status_{finding.get('kind')}_{finding.get('result')}"


@dataclass
class FamilyView:
    """The findings of one family, already grouped and sorted for display."""

    id: str
    risks: list[Finding] = field(default_factory=list)
    unknowns: list[Finding] = field(default_factory=list)
    safeguards: list[Finding] = field(default_factory=list)
    passed: list[Finding] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        """Every finding of the family, in display order."""
        return self.risks + self.unknowns + self.safeguards + self.passed

    @property
    def empty(self) -> bool:
        """No rule of this family was evaluated at all."""
        return not (self.risks or self.unknowns or self.safeguards or self.passed)


@dataclass
class ReportView:
    """A report plus the groupings the formats need."""

    report: dict[str, Any]
    families: list[FamilyView]

    @property
    def overridden(self) -> bool:
        """An official stance replaces the computed level."""
        return self.report.get("override") is not None

    @property
    def show_computed(self) -> bool:
        """The computed level must stay visible when something replaced it."""
        return self.overridden or self.report["computed_level"] != self.report["level"]

    @property
    def rules(self) -> set[str]:
        """Rule ids that have a finding (reasons link to them only when they do)."""
        return {str(f.get("rule")) for fam in self.families for f in fam.all}

    def count(self, group: str) -> int:
        """How many findings of one group across families (``risks``, ``unknowns``...)."""
        return sum(len(getattr(family, group)) for family in self.families)

    @property
    def all_risks(self) -> list[Finding]:
        """Matched risks of every family, worst first."""
        return sorted((f for fam in self.families for f in fam.risks), key=_by_severity)

    @property
    def all_unknowns(self) -> list[Finding]:
        """Unknown results of every family, in family order."""
        return [f for fam in self.families for f in fam.unknowns]

    @property
    def all_safeguards(self) -> list[Finding]:
        """Matched safeguards of every family, in family order."""
        return [f for fam in self.families for f in fam.safeguards]


def group_findings(findings: list[Finding]) -> list[FamilyView]:
    """Findings grouped by family in the fixed family order (unknown families come last)."""
    order = list(FAMILIES) + sorted({str(f.get("family")) for f in findings} - set(FAMILIES))
    views = {name: FamilyView(id=name) for name in order}
    for finding in findings:
        view = views[str(finding.get("family"))]
        result, kind = finding.get("result"), finding.get("kind")
        if result == "unknown":
            view.unknowns.append(finding)
        elif result == "match" and kind == "risk":
            view.risks.append(finding)
        elif result == "match":
            view.safeguards.append(finding)
        else:
            view.passed.append(finding)
    for view in views.values():
        view.risks.sort(key=_by_severity)
        view.unknowns.sort(key=_by_severity)
        view.safeguards.sort(key=_by_rule)
        view.passed.sort(key=_by_rule)
    return [views[name] for name in order]


def build_view(report: dict[str, Any]) -> ReportView:
    """Read a report once for every human-readable format."""
    return ReportView(report=report, families=group_findings(report.get("findings", [])))
