"""Which rules an adjustment or a group speaks of: by id, by family, by the facts they read.

Reading facts is what keeps the policy right when rule authors add rules: a new rule about
targeted advertising reads ``documents.signals.ads_targeted`` and joins the "commercial"
group without anyone editing the policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from rgpd_check.classify.loader import pattern_matches
from rgpd_check.classify.policy import Group, LevelPolicy, Selector
from rgpd_check.rules.model import Rule

# A trace line starts with the fact path (``requires: `` before a precondition) and may end
# with a quoted constant: "documents.types = ['terms'] not_contains 'dpa' → match".
_TRACE_PATH = re.compile(r"^(?:requires: )?([A-Za-z_][\w.*-]*)\s")
_TRACE_VALUE = re.compile(r"\s'([^']*)'\s*→")


class FindingLike(Protocol):
    rule: str
    family: str
    kind: str
    severity: str
    result: str
    title: dict[str, str]
    recommendation: dict[str, str]


@dataclass(frozen=True)
class Reads:
    """Fact paths a rule's condition reads, and the constants compared with each."""

    paths: frozenset[str]
    values: frozenset[tuple[str, str]]


def reads_of(finding: FindingLike, rule: Rule | None = None) -> Reads:
    """From the rule when the rule set is at hand, else from the finding's trace."""
    if rule is not None:
        paths: set[str] = set()
        values: set[tuple[str, str]] = set()
        for leaf in rule.leaves():
            paths.add(leaf.fact)
            if leaf.value_fact:
                paths.add(leaf.value_fact)
            for value in leaf.value if isinstance(leaf.value, list) else [leaf.value]:
                if isinstance(value, str | int | float | bool):
                    values.add((leaf.fact, str(value)))
        return Reads(frozenset(paths), frozenset(values))
    paths, values = set(), set()
    for line in getattr(finding, "trace", None) or []:
        match = _TRACE_PATH.match(str(line))
        if not match:
            continue
        paths.add(match.group(1))
        quoted = _TRACE_VALUE.search(str(line))
        if quoted:
            values.add((match.group(1), quoted.group(1)))
    return Reads(frozenset(paths), frozenset(values))


def _reads_pattern(pattern: str, reads: Reads) -> bool:
    """``path`` or ``path=value`` (the value must be compared with that path)."""
    path, sep, value = pattern.partition("=")
    if sep:
        return any(pattern_matches(path, p) and v == value for p, v in reads.values)
    return any(pattern_matches(path, p) for p in reads.paths)


def in_group(group: Group, finding: FindingLike, reads: Reads) -> bool:
    """Listed by id or family, or reading a listed fact — unless it reads an excluded one."""
    listed = any(pattern_matches(p, finding.rule) for p in group.rules)
    listed = listed or finding.family in group.families
    listed = listed or any(_reads_pattern(p, reads) for p in group.reads)
    return listed and not any(_reads_pattern(p, reads) for p in group.unless_reads)


def groups_of(policy: LevelPolicy, finding: FindingLike, reads: Reads) -> frozenset[str]:
    """Every policy group the finding's rule belongs to."""
    return frozenset(
        name for name, group in policy.groups.items() if in_group(group, finding, reads)
    )


def selected(selector: Selector, finding: FindingLike, groups: frozenset[str]) -> bool:
    """Any of ids, families, groups; then the severity filter."""
    chosen = any(pattern_matches(p, finding.rule) for p in selector.rules)
    chosen = chosen or finding.family in selector.families
    chosen = chosen or bool(groups & set(selector.groups))
    return chosen and (not selector.severities or finding.severity in selector.severities)


def context_of(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The values ``when`` conditions test, with "unknown" for an operator not given."""
    context = dict(facts.get("context") or {})
    context.setdefault("operator_kind", "unknown")
    context.setdefault("pupils_personal_data", context.get("audience") == "pupils-accounts")
    return context
