"""What the current report says about a tool, in the terms of the baseline, waivers applied.

A waiver removes its rule's finding (matched or unknown) before the level is recomputed with
the same policy; both levels are kept so the reader sees what the waiver hides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rgpd_check.api import AuditResult
from rgpd_check.classify import LevelPolicy, classify
from rgpd_check.rules import RuleSet


@dataclass(frozen=True)
class Observed:
    level: str
    level_with_waivers: str
    # Classification reasons with waivers applied (rule, title, effect), by language.
    reasons: dict[str, tuple[dict[str, Any], ...]]
    # Rules whose finding a waiver can remove: matched or unknown.
    waivable_rules: frozenset[str]
    waived_rules: tuple[str, ...]
    tracker_domains: tuple[str, ...]
    third_party_domains: tuple[str, ...]
    # None: not every address could be located, so the full list is unknown.
    hosting_countries: tuple[str, ...] | None
    # Countries seen for the tool's own hosts even when the list is incomplete.
    seen_countries: tuple[str, ...]
    hosting_providers: tuple[str, ...] | None
    documents: tuple[dict[str, str], ...]
    documents_not_read: frozenset[str]
    audited_at: str | None
    collection_complete: bool


def _in_language(reasons: list[dict[str, Any]], findings: list[Any], lang: str) -> tuple:
    """The classification's reasons with each rule's title in ``lang`` (others unchanged)."""
    titles = {f.rule: f.title.get(lang) for f in findings}
    return tuple({**r, "title": titles.get(r.get("rule")) or r.get("title")} for r in reasons)


def observe(
    result: AuditResult,
    active_waivers: set[str],
    policy: LevelPolicy,
    rules: Callable[[], RuleSet] | None = None,
) -> Observed:
    """Read the report and facts of one evaluation; recompute the level without waived rules.

    ``rules`` gives the rule set (loaded only when a waiver applies: loading is slow).
    """
    report = result.report
    summary = report.get("summary") or {}
    hosting = result.facts.get("hosting") or {}
    waivable = frozenset(
        f.rule for f in result.findings if f.result in ("match", "unknown") and f.kind == "risk"
    )
    classification = result.classification
    if active_waivers & waivable:
        kept = [f for f in result.findings if f.rule not in active_waivers]
        classification = classify(
            kept, result.facts, "fr", policy, rules=rules() if rules else None
        )
    countries = hosting.get("tool_countries")
    seen = set(countries or []) | set(hosting.get("tool_non_eea_countries") or [])
    providers = hosting.get("tool_providers")
    scope = report.get("scope") or {}
    return Observed(
        level=str(result.classification.computed_level),
        level_with_waivers=classification.computed_level,
        reasons={
            lang: _in_language(classification.reasons, result.findings, lang)
            for lang in ("fr", "en")
        },
        waivable_rules=waivable,
        waived_rules=tuple(sorted(active_waivers & waivable)),
        tracker_domains=tuple(sorted(set(summary.get("tracker_domains") or []))),
        third_party_domains=tuple(sorted(set(summary.get("third_party_domains") or []))),
        hosting_countries=tuple(sorted(countries)) if countries is not None else None,
        seen_countries=tuple(sorted(seen)),
        hosting_providers=tuple(sorted(providers)) if providers is not None else None,
        documents=tuple(
            {k: str(d[k]) for k in ("type", "url", "text_hash", "text_hash_version")}
            for d in summary.get("documents") or []
        ),
        documents_not_read=frozenset(
            str(d.get("url")) for d in scope.get("documents_not_read") or []
        ),
        audited_at=str(report.get("audited_at")) if report.get("audited_at") else None,
        collection_complete=bool((report.get("collection") or {}).get("complete")),
    )
