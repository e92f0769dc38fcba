"""What every human-readable format shows, in the order it shows it.

HTML and Markdown share this reading of the report so they never disagree on grouping or
ordering: per family, risks that matched (worst first), then unknowns, then safeguards,
then the rules that raised nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FAMILIES: tuple[str, ...] = ("hosting", "dpa", "minors", "trackers", "security")
# Failures of guesses (usual addresses, sitemap, the plain-HTTP probe): expected misses, shown
# apart from the pages and documents that really could not be read.
GUESS_PURPOSES: tuple[str, ...] = ("well_known", "sitemap", "probe_http")
# Reason effects that sum the level up in one sentence rather than name a finding.
LEAD_EFFECTS: tuple[str, ...] = ("basis", "ceiling", "range")
POLICY_EFFECTS: tuple[str, ...] = ("adjusted", "not_applicable")
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


def not_applicable(finding: Finding) -> bool:
    """Unknown only because the rule's precondition was false: it does not apply here."""
    return finding.get("result") == "unknown" and any(
        str(line).startswith("requires → no_match") for line in finding.get("trace") or []
    )


def status_key(finding: Finding) -> str:
    """Catalog key of a finding's status, e.g. ``finding.status_risk_match``."""
    if not_applicable(finding):
        return "finding.status_not_applicable"
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
    not_applicable: list[Finding] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        """Every finding of the family, in display order."""
        return self.risks + self.unknowns + self.safeguards + self.passed + self.not_applicable

    @property
    def quiet(self) -> list[Finding]:
        """Rules that raised nothing or do not apply: listed, folded."""
        return self.passed + self.not_applicable

    @property
    def empty(self) -> bool:
        """No rule of this family was evaluated at all."""
        return not self.all


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

    @property
    def by_rule(self) -> dict[str, Finding]:
        """Findings by rule id (reasons show the reliability of the finding they name)."""
        return {str(f.get("rule")): f for fam in self.families for f in fam.all}

    @property
    def lead_reasons(self) -> list[dict[str, Any]]:
        """Reasons that sum the level up: the basis of "recommande", its ceiling, a range."""
        return [r for r in self.report.get("reasons", []) if r.get("effect") in LEAD_EFFECTS]

    @property
    def finding_reasons(self) -> list[dict[str, Any]]:
        """Reasons that name findings (decisive, to verify, safeguards)."""
        skip = LEAD_EFFECTS + POLICY_EFFECTS
        return [r for r in self.report.get("reasons", []) if r.get("effect") not in skip]

    @property
    def policy_reasons(self) -> list[dict[str, Any]]:
        """How the context of use weighed on the level."""
        return [r for r in self.report.get("reasons", []) if r.get("effect") in POLICY_EFFECTS]

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Pages and documents that could not be read (what limits the report)."""
        return [f for f in self._all_failures if f.get("purpose") not in GUESS_PURPOSES]

    @property
    def guesses(self) -> list[dict[str, Any]]:
        """Usual addresses tried without success: expected, listed for completeness."""
        return [f for f in self._all_failures if f.get("purpose") in GUESS_PURPOSES]

    @property
    def _all_failures(self) -> list[dict[str, Any]]:
        return list((self.report.get("collection") or {}).get("failures") or [])

    @property
    def not_collected(self) -> list[dict[str, Any]]:
        """What was not collected, without repeating the failures listed already."""
        seen = {(f.get("url"), f.get("reason")) for f in self._all_failures}
        items = (self.report.get("collection") or {}).get("not_collected") or []
        return [i for i in items if (i.get("url"), i.get("reason")) not in seen]

    def determined(self, key: str) -> bool:
        """Whether a summary list was established (an empty list then means "none")."""
        facts = self.report.get("facts") or {}
        namespace, fact = SUMMARY_FACTS.get(key, (None, None))
        if namespace is None:
            return True
        return isinstance(facts.get(namespace), dict) and fact in facts[namespace]

    @property
    def screenshots(self) -> list[dict[str, str]]:
        """Screenshots to show in the annex (self-contained ``data:`` images)."""
        return screenshots(self.report)

    @property
    def operator_kind(self) -> str | None:
        """Who runs the tool, when the audit was told (catalog ``vendor.kind``)."""
        context = (self.report.get("facts") or {}).get("context") or {}
        kind = context.get("operator_kind")
        return str(kind) if kind else None

    @property
    def coverage(self) -> dict[str, Any]:
        """What the report rests on, in numbers, for the box beside the level."""
        scope = self.report.get("scope") or {}
        return {
            "browser": bool(scope.get("browser")),
            "authenticated": bool(scope.get("authenticated")),
            "pages": int(scope.get("pages_examined") or 0),
            "documents_read": len(scope.get("documents_read") or []),
            "documents_not_read": len(scope.get("documents_not_read") or []),
            "failures": len(self.failures),
            "complete": bool((self.report.get("collection") or {}).get("complete")),
        }


def no_evidence_key(finding: Finding) -> str:
    """Why a finding has no evidence reference: it rests on an absence, or on a gap."""
    if finding.get("result") == "match":
        return "finding.absence"
    if finding.get("result") == "unknown":
        return "finding.not_established"
    return "finding.no_evidence"


_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
IMAGE_TYPES = ("image/png", "image/jpeg")


def screenshots(report: dict[str, Any]) -> list[dict[str, str]]:
    """Screenshots the report carries, as ``data:`` URLs (checked: type and base64 only)."""
    shots = []
    for shot in (report.get("evidence_bundle") or {}).get("screenshots") or []:
        media, data = shot.get("media_type"), shot.get("data_base64")
        if media in IMAGE_TYPES and isinstance(data, str) and _BASE64.match(data):
            shots.append(
                {
                    "src": f"data:{media};base64,{data}",
                    "path": str(shot.get("path", "")),
                    "sha256": str(shot.get("sha256", "")),
                }
            )
    return shots


# Summary lists and the facts that establish them: absent facts mean "not determined".
SUMMARY_FACTS: dict[str, tuple[str, str]] = {
    "hosting_countries": ("hosting", "tool_countries"),
    "hosting_providers": ("hosting", "tool_providers"),
    "third_party_domains": ("trackers", "third_party_domains"),
    "tracker_domains": ("trackers", "known"),
}


def group_findings(findings: list[Finding]) -> list[FamilyView]:
    """Findings grouped by family in the fixed family order (unknown families come last)."""
    order = list(FAMILIES) + sorted({str(f.get("family")) for f in findings} - set(FAMILIES))
    views = {name: FamilyView(id=name) for name in order}
    for finding in findings:
        view = views[str(finding.get("family"))]
        result, kind = finding.get("result"), finding.get("kind")
        if not_applicable(finding):
            view.not_applicable.append(finding)
        elif result == "unknown":
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
        view.not_applicable.sort(key=_by_rule)
    return [views[name] for name in order]


def build_view(report: dict[str, Any]) -> ReportView:
    """Read a report once for every human-readable format."""
    return ReportView(report=report, families=group_findings(report.get("findings", [])))
