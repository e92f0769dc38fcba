"""The level policy, read from data (``rules/data/levels.yaml``) so an academy can tune it.

A judgement, not ``max(severity)``: evidence of a serious problem concludes on its own, but a
green or amber level needs the evidence to be there — any gap gives "a-verifier".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from rgpd_check.errors import InputError
from rgpd_check.resources import data_path

LEVELS = ("recommande", "precautions", "deconseille", "a-proscrire", "a-verifier")
SEVERITIES = ("info", "minor", "major", "critical", "blocker")


class FindingLike(Protocol):
    rule: str
    kind: str
    severity: str
    result: str
    title: dict[str, str]
    recommendation: dict[str, str]


@dataclass(frozen=True)
class LevelPolicy:
    """The parsed policy file."""

    version: str
    order: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    risk_levels: dict[str, str]
    conclusive_from: str
    unknown_blocks_from: str
    require_complete_collection: bool

    def rank(self, level: str) -> int:
        return self.order.index(level)

    def label(self, level: str, lang: str) -> str:
        return self.labels[level][lang]


@dataclass
class Classification:
    """A level with what drove it; ``computed_level`` survives an official override."""

    level: str
    computed_level: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    override: dict[str, Any] | None = None


def load_policy(path: Path | None = None) -> LevelPolicy:
    """Read and check a policy file (the built-in one by default)."""
    path = path or data_path("levels.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        policy = LevelPolicy(
            version=str(raw["version"]),
            order=tuple(raw["order"]),
            labels={k: dict(v) for k, v in raw["labels"].items()},
            risk_levels=dict(raw["risk_levels"]),
            conclusive_from=str(raw["conclusive_from"]),
            unknown_blocks_from=str(raw["unknown_blocks_from"]),
            require_complete_collection=bool(raw["require_complete_collection"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{path}: politique de niveaux invalide / invalid level policy: {exc}"
        ) from None
    problems = []
    if set(policy.order) != set(LEVELS) - {"a-verifier"}:
        problems.append("order must list the four graded levels")
    if set(policy.risk_levels) != set(SEVERITIES) or not set(policy.risk_levels.values()) <= set(
        policy.order
    ):
        problems.append("risk_levels must map every severity to a graded level")
    if policy.conclusive_from not in policy.order or policy.unknown_blocks_from not in SEVERITIES:
        problems.append("conclusive_from / unknown_blocks_from out of range")
    if any(set(policy.labels.get(level, {})) != {"fr", "en"} for level in LEVELS):
        problems.append("every level needs fr and en labels")
    if problems:
        raise InputError(f"{path}: {'; '.join(problems)}")
    return policy


@cache
def default_policy() -> LevelPolicy:
    return load_policy()


def classify(
    findings: list[FindingLike],
    facts: dict[str, Any],
    lang: str = "fr",
    policy: LevelPolicy | None = None,
    stance: dict[str, Any] | None = None,
) -> Classification:
    """Apply the policy; ``stance`` is an official position that overrides the level."""
    policy = policy or default_policy()
    risks = [f for f in findings if f.kind == "risk" and f.result == "match"]
    worst = max(
        (policy.risk_levels[f.severity] for f in risks), key=policy.rank, default="recommande"
    )
    drivers = [f for f in risks if policy.risk_levels[f.severity] == worst] if risks else []
    gap_rank = SEVERITIES.index(policy.unknown_blocks_from)
    unknowns = [
        f
        for f in findings
        if f.kind == "risk" and f.result == "unknown" and SEVERITIES.index(f.severity) >= gap_rank
    ]
    incomplete = (
        policy.require_complete_collection
        and (facts.get("crawl") or {}).get("complete") is not True
    )

    if policy.rank(worst) >= policy.rank(policy.conclusive_from):
        level, reasons = worst, [_reason(f, lang, "decisive") for f in drivers]
    elif unknowns or incomplete:
        level = "a-verifier"
        reasons = [_reason(f, lang, "unknown") for f in unknowns]
        if incomplete:
            reasons.insert(
                0, {"rule": "COLLECTION", "title": _incomplete_text(lang), "effect": "unknown"}
            )
    else:
        level, reasons = worst, [_reason(f, lang, "decisive") for f in drivers]
    actions = _unique(
        f.recommendation[lang] for f in sorted(risks, key=lambda f: -SEVERITIES.index(f.severity))
    )
    if level == "a-verifier":
        actions += _unique(f"{_check_text(lang)} {f.title[lang]}" for f in unknowns)
    result = Classification(level=level, computed_level=level, reasons=reasons, actions=actions)
    if stance and stance.get("level") in LEVELS:
        result.override = {k: stance[k] for k in ("who", "what", "source", "date", "level")}
        result.level = str(stance["level"])
    return result


def _reason(finding: FindingLike, lang: str, effect: str) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "title": finding.title[lang],
        "severity": finding.severity,
        "kind": finding.kind,
        "result": finding.result,
        "effect": effect,
    }


def _incomplete_text(lang: str) -> str:
    return (
        "La collecte est incomplète : des pages ou documents clés n’ont pas pu être lus."
        if lang == "fr"
        else "Collection is incomplete: key pages or documents could not be read."
    )


def _check_text(lang: str) -> str:
    return "Vérifier :" if lang == "fr" else "Check:"


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen
