"""A finding: one rule's result on one facts document, with what supports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Result = Literal["match", "no_match", "unknown"]


@dataclass(frozen=True)
class Finding:
    rule: str
    family: str
    kind: str
    severity: str
    reliability: str
    result: Result
    title: dict[str, str]
    recommendation: dict[str, str]
    gdpr: list[str]
    references: list[str]
    evidence: list[dict[str, Any]]
    facts: dict[str, Any]
    trace: list[str]
    source_file: str
    # Evidence references left out once the cap was reached (0 when none were).
    evidence_truncated: int = 0

    @classmethod
    def make(
        cls,
        rule: str,
        family: str,
        kind: str,
        severity: str,
        reliability: str,
        result: Result,
        title: dict[str, str],
        recommendation: dict[str, str],
        gdpr: list[str],
        references: list[str],
        evidence: list[dict[str, Any]],
        facts: dict[str, Any],
        trace: list[str],
        source_file: str,
        evidence_truncated: int = 0,
    ) -> Finding:
        """The same finding as ``Finding(...)``, built without the frozen ``__init__``.

        That ``__init__`` sets each field through ``object.__setattr__`` (about 3 µs, several
        times this); a rule set makes one finding per rule and per audit.
        """
        finding = object.__new__(cls)
        finding.__dict__.update(
            rule=rule,
            family=family,
            kind=kind,
            severity=severity,
            reliability=reliability,
            result=result,
            title=title,
            recommendation=recommendation,
            gdpr=gdpr,
            references=references,
            evidence=evidence,
            facts=facts,
            trace=trace,
            source_file=source_file,
            evidence_truncated=evidence_truncated,
        )
        return finding

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        """The report shape; texts in ``lang``, falling back to French."""
        shape: dict[str, Any] = {
            "rule": self.rule,
            "family": self.family,
            "kind": self.kind,
            "severity": self.severity,
            "reliability": self.reliability,
            "result": self.result,
            "title": self.title.get(lang) or self.title.get("fr", ""),
            "recommendation": self.recommendation.get(lang) or self.recommendation.get("fr", ""),
            "gdpr": list(self.gdpr),
            "references": list(self.references),
            "evidence": [dict(ref) for ref in self.evidence],
            "facts": dict(self.facts),
            "trace": list(self.trace),
        }
        if self.evidence_truncated:
            shape["evidence_truncated"] = self.evidence_truncated
        return shape
