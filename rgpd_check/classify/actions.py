"""What the academy must do before use: concrete, deduplicated, most important first.

From an official stance, the policy's context actions, the recommendations of the risks that
count, and — when evidence is missing — the list of what to check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rgpd_check.classify.levels import UNVERIFIED, severity_rank
from rgpd_check.classify.policy import LevelPolicy

if TYPE_CHECKING:
    from rgpd_check.classify.decide import Assessment


def build_actions(
    policy: LevelPolicy,
    lang: str,
    context: dict[str, Any],
    *,
    level: str,
    counted: list[Assessment],
    gaps: list[Assessment],
    incomplete: bool,
    stance: dict[str, Any] | None,
) -> list[str]:
    """The ordered action list (each text once)."""
    stance_action = []
    if stance:
        stance_action.append(
            policy.text(
                "stance",
                lang,
                who=str(stance.get("who", "")),
                what=str(stance.get("what", "")),
                date=str(stance.get("date", "")),
            )
        )
    with_level = {**context, "level": level}
    from_context = [a.text[lang] for a in policy.actions if a.when.holds(with_level)]
    if policy.graded(level) and policy.rank(level) >= policy.rank(policy.conclusive_from):
        # Not recommended or worse: what to fix is what is serious, not every precaution.
        counted = [
            a for a in counted if policy.rank(str(a.level)) >= policy.rank(policy.conclusive_from)
        ]
    ordered = sorted(
        counted,
        key=lambda a: (
            -policy.rank(str(a.level)),
            -severity_rank(a.finding.severity),
            a.finding.rule,
        ),
    )
    from_risks = [_text(a.finding.recommendation, lang) for a in ordered]
    browser_ran = bool((context.get("_browser") or {}).get("ran"))
    checks = [
        policy.text(
            "check" if browser_ran or not _reads_browser(a.finding) else "check_browser",
            lang,
            title=_text(a.finding.title, lang),
            rule=a.finding.rule,
        )
        for a in gaps
    ]
    if incomplete:
        checks.append(policy.text("collection_action", lang))
    if level == UNVERIFIED:
        return _unique([*stance_action, *checks, *from_context, *from_risks])
    return _unique([*stance_action, *from_context, *from_risks, *checks])


def _reads_browser(finding: Any) -> bool:
    """The rule needs what only a real browser observes (consent banner, key logging…)."""
    return any(
        str(line).removeprefix("requires: ").startswith("browser.")
        for line in getattr(finding, "trace", ())
    )


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("fr", "")


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    return seen
