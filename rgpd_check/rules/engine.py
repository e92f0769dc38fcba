"""Evaluate a rule set on a facts document: one finding per rule, in a stable order."""

from __future__ import annotations

from typing import Any

from rgpd_check.facts.paths import Resolver
from rgpd_check.findings import Citations, Finding
from rgpd_check.findings.evidence import gather_unique

from .model import MATCH, Rule, RuleSet
from .operators import ABSENCE_OPERATORS


def absence_based(rule: Rule) -> bool:
    """True when a match can rest on something not being found (so may lack evidence)."""
    return any(leaf.op in ABSENCE_OPERATORS for leaf in rule.leaves())


def evaluate_rule(rule: Rule, facts: dict[str, Any], citations: Citations | None = None) -> Finding:
    """``citations`` (built on ``facts``) shares path walks and cited values across rules."""
    cache = citations if citations is not None else Citations(facts)
    result, trace = rule.compiled.run(cache.resolver)
    evidence, truncated, cited = gather_unique(cache, rule.cited_paths)
    if result == MATCH and not evidence:
        trace.append(
            "no evidence reference: the match rests on something not found"
            if absence_based(rule)
            else "warning: match without any evidence reference"
        )
    return Finding.make(
        rule=rule.id,
        family=rule.family,
        kind=rule.kind,
        severity=rule.severity,
        reliability=rule.reliability,
        result=result,
        title=dict(rule.title),
        recommendation=dict(rule.recommendation),
        gdpr=list(rule.gdpr),
        references=list(rule.references),
        evidence=evidence,
        facts=cited,
        trace=trace,
        source_file=rule.source_file,
        evidence_truncated=truncated,
    )


def evaluate(ruleset: RuleSet, facts: dict[str, Any]) -> list[Finding]:
    """One finding per rule, ordered by family then id."""
    citations = Citations(facts, Resolver(facts))
    return [evaluate_rule(rule, facts, citations) for rule in ruleset.ordered()]
