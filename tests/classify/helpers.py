"""Synthetic findings and facts for policy tests: only what the policy looks at."""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.facts import context_facts
from rgpd_check.findings import Finding

FAMILY = {"HOST": "hosting", "DPA": "dpa", "MIN": "minors", "TRK": "trackers", "SEC": "security"}

# Fact paths that put a synthetic rule in a policy group (see rules/data/levels.yaml).
ADS = "documents.signals.ads_targeted.present"
DPA = "documents.signals.dpa_offered.present"
AGE = "documents.signals.min_age.value"
JURISDICTION = "hosting.non_eu_jurisdiction"
CDN = "hosting.cdn_only"
PLAIN = "security.hsts"


def finding(
    rule: str,
    severity: str = "major",
    result: str = "match",
    *,
    kind: str = "risk",
    reads: tuple[str, ...] = (PLAIN,),
    precondition_failed: bool = False,
) -> Finding:
    """A finding whose trace says which facts its rule read (as the engine writes it)."""
    trace = [f"{path} = True is_true → {result}" for path in reads]
    if precondition_failed:
        trace.insert(0, "requires: documents.types = ['terms'] contains 'dpa' → no_match")
        trace.append("requires → no_match: a match cannot be concluded → unknown")
    return Finding(
        rule=rule,
        family=FAMILY[rule.split("-")[0]],
        kind=kind,
        severity=severity,
        reliability="observed",
        result=result,  # type: ignore[arg-type]
        title={"fr": f"Constat {rule}", "en": f"Finding {rule}"},
        recommendation={"fr": f"Action pour {rule}.", "en": f"Action for {rule}."},
        gdpr=[],
        references=[],
        evidence=[],
        facts={},
        trace=trace,
        source_file="synthetic.yaml",
    )


def facts(
    audience: str = "pupils-accounts",
    school_level: str = "college",
    *,
    operator: str | None = None,
    complete: bool = True,
    unreadable: tuple[str, ...] = (),
) -> dict[str, Any]:
    context = context_facts(audience, school_level)
    if operator:
        context["operator_kind"] = operator
    return {
        "facts_version": 1,
        "crawl": {"complete": complete},
        "documents": {"types": ["privacy_policy"], "types_unreadable": list(unreadable)},
        "context": context,
    }
