"""Findings + facts + context → one level, the reasons that drove it, the actions before use.

A judgement, not ``max(severity)``: each matched risk is first weighed in its context
(adjustments of the policy), a "recommande" needs a positive basis, and a gap in the evidence
only matters when it could make the level worse — then the level is "a-verifier", with the
range the gaps leave open, never a silently reassuring colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rgpd_check.classify.actions import build_actions
from rgpd_check.classify.levels import UNVERIFIED, severity_rank, worst
from rgpd_check.classify.loader import default_policy
from rgpd_check.classify.policy import Adjustment, LevelPolicy
from rgpd_check.classify.selection import FindingLike, context_of, groups_of, reads_of, selected
from rgpd_check.rules.model import Rule, RuleSet

STANCE_KEYS = ("who", "what", "source", "date", "level")


@dataclass
class Assessment:
    """One risk finding weighed in context: ``level`` is None when set aside (not applicable)."""

    finding: FindingLike
    groups: frozenset[str]
    base: str
    level: str | None
    applied: list[Adjustment] = field(default_factory=list)


@dataclass
class Classification:
    """A level with what drove it; ``computed_level`` survives an official override.

    ``best_case``/``worst_case`` bound an "a-verifier": the level if every gap turned out
    fine, and if every gap turned out to be a problem.
    """

    level: str
    computed_level: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    override: dict[str, Any] | None = None
    best_case: str | None = None
    worst_case: str | None = None
    policy_version: str = ""
    adjustments: list[str] = field(default_factory=list)


def _rules_by_id(rules: RuleSet | Mapping[str, Rule] | None) -> Mapping[str, Rule]:
    if rules is None:
        return {}
    if isinstance(rules, RuleSet):
        return rules.by_id
    return rules


class _Weigher:
    """The policy applied to one facts document (context read once)."""

    def __init__(self, policy: LevelPolicy, context: dict[str, Any], rules: Mapping[str, Rule]):
        self.policy = policy
        self.context = context
        self.rules = rules

    def groups(self, finding: FindingLike) -> frozenset[str]:
        return groups_of(self.policy, finding, reads_of(finding, self.rules.get(finding.rule)))

    def assess(self, finding: FindingLike) -> Assessment:
        groups = self.groups(finding)
        base = self.policy.risk_levels[finding.severity]
        assessment = Assessment(finding, groups, base, base)
        protected = bool(groups & set(self.policy.protected))
        for adjustment in self.policy.adjustments:
            if not adjustment.when.holds(self.context):
                continue
            if not selected(adjustment.select, finding, groups):
                continue
            if adjustment.ignore:
                assessment.level = None
                assessment.applied.append(adjustment)
                return assessment
            level = str(assessment.level)
            if adjustment.at_most and not protected:
                level = min(level, adjustment.at_most, key=self.policy.rank)
            if adjustment.at_least:
                level = max(level, adjustment.at_least, key=self.policy.rank)
            if level != assessment.level:
                assessment.level = level
                assessment.applied.append(adjustment)
        return assessment

    def basis_met(self, safeguards: list[FindingLike]) -> bool:
        basis = self.policy.recommended_basis
        if basis is None or self.context.get("operator_kind") in basis.operator_kind:
            return True
        wanted = set(basis.safeguard_groups)
        return any(self.groups(f) & wanted for f in safeguards)


def classify(
    findings: list[Any],
    facts: dict[str, Any],
    lang: str = "fr",
    policy: LevelPolicy | None = None,
    stance: dict[str, Any] | None = None,
    *,
    rules: RuleSet | Mapping[str, Rule] | None = None,
) -> Classification:
    """Apply the policy; ``stance`` (or ``facts.context.stance``) overrides the level.

    ``rules`` lets groups see what each rule reads; without it the findings' traces are used.
    """
    policy = policy or default_policy()
    context = context_of(facts)
    weigher = _Weigher(policy, context, _rules_by_id(rules))
    risks = [f for f in findings if f.kind == "risk"]
    matched = [weigher.assess(f) for f in risks if f.result == "match"]
    counted = [a for a in matched if a.level is not None]
    found = worst(str(a.level) for a in counted)
    safeguards = [f for f in findings if f.kind == "safeguard" and f.result == "match"]
    ceiling = policy.order[0]
    if not weigher.basis_met(safeguards) and policy.recommended_basis is not None:
        ceiling = policy.recommended_basis.otherwise
    candidate = worst([found, ceiling])

    threshold = severity_rank(policy.unknown_blocks_from)
    unknown = [
        weigher.assess(f)
        for f in risks
        if f.result == "unknown"
        and severity_rank(f.severity) >= threshold
        and not (policy.precondition_failed == "not_applicable" and precondition_failed(f))
    ]
    gaps = [
        a for a in unknown if a.level is not None and policy.rank(a.level) > policy.rank(candidate)
    ]
    gaps.sort(key=lambda a: (-policy.rank(str(a.level)), -severity_rank(a.finding.severity)))
    incomplete = policy.require_complete_collection and not collection_complete(policy, facts)
    conclusive = policy.rank(candidate) >= policy.rank(policy.conclusive_from)
    result = Classification(
        level=candidate, computed_level=candidate, policy_version=policy.version
    )
    if not conclusive and (gaps or incomplete):
        result.level = result.computed_level = UNVERIFIED
        result.best_case = candidate
        if gaps:
            result.worst_case = worst([candidate, *(str(a.level) for a in gaps)])
        reached = (facts.get("crawl") or {}).get("entry_reachable") is not False
        result.reasons = _unverified_reasons(policy, lang, gaps, incomplete, result, reached)
        weighed = gaps
    else:
        drivers = [a for a in counted if a.level == candidate]
        drivers.sort(key=lambda a: (-severity_rank(a.finding.severity), a.finding.rule))
        result.reasons = [_reason(a.finding, lang, _driver_effect(a)) for a in drivers]
        basis = policy.recommended_basis
        if basis is not None and not drivers and candidate == ceiling and ceiling != found:
            result.reasons.append(
                _policy_reason("policy:recommended-basis", basis.explain[lang], "ceiling")
            )
        elif basis is not None and candidate == policy.order[0]:
            result.reasons.append(
                _policy_reason("policy:recommended-basis", basis.met[lang], "basis")
            )
            result.reasons += [
                _reason(f, lang, "safeguard") for f in sorted(safeguards, key=_rule_id)
            ]
        weighed = matched
    result.reasons += _adjustment_reasons(policy, lang, weighed, candidate)
    result.adjustments = sorted({adj.id for a in [*matched, *unknown] for adj in a.applied})

    chosen = stance if stance is not None else context.get("stance")
    if isinstance(chosen, dict) and chosen.get("level") in policy.labels:
        result.override = {key: chosen.get(key) for key in STANCE_KEYS}
        result.level = str(chosen["level"])
    result.actions = build_actions(
        policy,
        lang,
        {**context, "_browser": facts.get("browser")},
        level=result.level,
        counted=counted,
        gaps=gaps if result.computed_level == UNVERIFIED else _worse(policy, unknown, candidate),
        incomplete=incomplete and result.computed_level == UNVERIFIED,
        stance=result.override,
    )
    return result


def precondition_failed(finding: Any) -> bool:
    """The rule's ``requires`` was false (not unknown): it does not apply to this tool."""
    return any(
        str(line).startswith("requires → no_match") for line in getattr(finding, "trace", ())
    )


def collection_complete(policy: LevelPolicy, facts: Mapping[str, Any]) -> bool:
    """Every page reached and every key document read."""
    if (facts.get("crawl") or {}).get("complete") is not True:
        return False
    unreadable = set((facts.get("documents") or {}).get("types_unreadable") or [])
    return not unreadable & set(policy.key_documents)


def _worse(policy: LevelPolicy, unknown: list[Assessment], level: str) -> list[Assessment]:
    """Unknowns that could still make a conclusive level worse: worth checking too."""
    return [a for a in unknown if a.level is not None and policy.rank(a.level) > policy.rank(level)]


def _unverified_reasons(
    policy: LevelPolicy,
    lang: str,
    gaps: list[Assessment],
    incomplete: bool,
    result: Classification,
    reached: bool = True,
) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = []
    if incomplete:
        reasons.append(
            {
                "rule": "COLLECTION",
                "title": policy.text("collection_incomplete", lang),
                "effect": "unknown",
            }
        )
    reasons += [_reason(a.finding, lang, "unknown") for a in gaps]
    best = policy.label(str(result.best_case), lang)
    if result.worst_case and result.worst_case != result.best_case:
        text = policy.text("range", lang, best=best, worst=policy.label(result.worst_case, lang))
        reasons.append(_policy_reason("policy:range", text, "range"))
    elif incomplete and reached:  # nothing read at all: no level to bound
        text = policy.text("range_collection", lang, best=best)
        reasons.append(_policy_reason("policy:range", text, "range"))
    return reasons


def _adjustment_reasons(
    policy: LevelPolicy, lang: str, weighed: list[Assessment], level: str
) -> list[dict[str, Any]]:
    """The context adjustments that changed this level, each explained once, in policy order.

    A cap or a "not applicable" matters when the finding would otherwise have made the level
    worse; a raise matters when it lifted the finding to the level.
    """
    mattered: set[str] = set()
    rank = policy.rank
    for assessment in weighed:
        for adjustment in assessment.applied:
            base_worse = rank(assessment.base) > rank(level) if policy.graded(level) else True
            lifted = adjustment.at_least is not None and assessment.level == level
            if (adjustment.at_least is None and base_worse) or lifted:
                mattered.add(adjustment.id)
    return [
        _policy_reason(
            f"policy:{adj.id}", adj.explain[lang], "not_applicable" if adj.ignore else "adjusted"
        )
        for adj in policy.adjustments
        if adj.id in mattered
    ]


def _driver_effect(assessment: Assessment) -> str:
    """ "decisive", or "capped"/"raised" when the context changed what the finding weighs."""
    if assessment.level == assessment.base or not assessment.applied:
        return "decisive"
    worse = assessment.applied[-1].at_least is not None
    return "raised" if worse else "capped"


def _rule_id(finding: FindingLike) -> str:
    return finding.rule


def _reason(finding: FindingLike, lang: str, effect: str) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "title": finding.title.get(lang) or finding.title.get("fr", ""),
        "severity": finding.severity,
        "kind": finding.kind,
        "result": finding.result,
        "effect": effect,
    }


def _policy_reason(rule: str, title: str, effect: str) -> dict[str, Any]:
    return {"rule": rule, "title": title, "effect": effect}
