"""The level policy as typed data (``rules/data/levels.yaml``), read by :mod:`.loader`.

Everything a data-protection officer weighs beyond ``max(severity)`` is a knob here, so an
academy tunes the judgement without touching code: groups of rules by meaning, context
adjustments, the basis a "recommande" needs, the actions a context calls for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rgpd_check.classify.levels import UNVERIFIED

UNKNOWN_OPERATOR = "unknown"

Texts = dict[str, str]


@dataclass(frozen=True)
class When:
    """All listed keys must have one of their listed values (an empty ``When`` always holds)."""

    conditions: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def holds(self, context: dict[str, Any]) -> bool:
        return all(context.get(key) in allowed for key, allowed in self.conditions)


@dataclass(frozen=True)
class Group:
    """Rules that mean the same thing to the policy, found by id, family or facts read."""

    id: str
    label: Texts
    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    unless_reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selector:
    """Rules an adjustment applies to: any of ids/families/groups, then a severity filter."""

    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adjustment:
    """In a context, cap (``at_most``), raise (``at_least``) or set aside (``ignore``) risks."""

    id: str
    when: When
    select: Selector
    explain: Texts
    at_most: str | None = None
    at_least: str | None = None
    ignore: bool = False


@dataclass(frozen=True)
class RecommendedBasis:
    """What "recommande" needs; without it the best level is ``otherwise``."""

    operator_kind: tuple[str, ...]
    safeguard_groups: tuple[str, ...]
    otherwise: str
    explain: Texts
    met: Texts


@dataclass(frozen=True)
class ContextAction:
    """An action before use that the context and the computed level call for."""

    when: When
    text: Texts


@dataclass(frozen=True)
class LevelPolicy:
    """The parsed policy file."""

    version: str
    order: tuple[str, ...]
    labels: dict[str, Texts]
    risk_levels: dict[str, str]
    conclusive_from: str
    unknown_blocks_from: str
    require_complete_collection: bool
    key_documents: tuple[str, ...] = ()
    precondition_failed: str = "not_applicable"
    groups: dict[str, Group] = field(default_factory=dict)
    protected: tuple[str, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    recommended_basis: RecommendedBasis | None = None
    actions: tuple[ContextAction, ...] = ()
    texts: dict[str, Texts] = field(default_factory=dict)
    source: str = ""

    def rank(self, level: str) -> int:
        """Position in ``order``; "a-verifier" has none (ValueError)."""
        return self.order.index(level)

    def label(self, level: str, lang: str) -> str:
        return self.labels[level][lang]

    def text(self, key: str, lang: str, **values: str) -> str:
        """One of the policy's own texts, filled in."""
        return self.texts[key][lang].format(**values)

    def graded(self, level: str) -> bool:
        return level != UNVERIFIED and level in self.order
