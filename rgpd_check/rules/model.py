"""Rules as plain, immutable data: conditions, embedded tests, rules and rule sets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rgpd_check.errors import InputError
from rgpd_check.findings.evidence import cited_paths
from rgpd_check.rules.yamlpos import LocatedProblem

if TYPE_CHECKING:
    from .conditions import CompiledRule

Result = Literal["match", "no_match", "unknown"]
MATCH: Result = "match"
NO_MATCH: Result = "no_match"
UNKNOWN: Result = "unknown"
RESULTS: tuple[Result, ...] = (MATCH, NO_MATCH, UNKNOWN)

FAMILIES = ("hosting", "dpa", "minors", "trackers", "security")
KINDS = ("risk", "safeguard")
SEVERITIES = ("info", "minor", "major", "critical", "blocker")
RELIABILITIES = ("observed", "declared", "heuristic")


@dataclass(frozen=True)
class Leaf:
    """``{fact, op, value?, value_fact?, quantifier?}``; ``value_name`` keeps ``$const``."""

    fact: str
    op: str
    value: Any = None
    value_name: str | None = None
    value_fact: str | None = None
    quantifier: Literal["any", "all"] = "any"
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class AllOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    child: Condition


Condition = Leaf | AllOf | AnyOf | Not


def leaves(condition: Condition) -> list[Leaf]:
    """Leaves in document order (for traces and evidence)."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return leaves(condition.child)
    return [leaf for child in condition.children for leaf in leaves(child)]


@dataclass(frozen=True)
class RuleTest:
    name: str
    expect: Result
    facts: dict[str, Any]
    todo: bool = False
    line: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    kind: str
    severity: str
    reliability: str
    title: dict[str, str]
    recommendation: dict[str, str]
    gdpr: list[str]
    references: list[str]
    when: Condition
    evidence: list[str]
    tests: list[RuleTest]
    source_file: str
    line: int = 0
    # Optional precondition: unless it is a match, the rule cannot conclude (unknown).
    requires: Condition | None = None

    def leaves(self) -> list[Leaf]:
        """Leaves of ``requires`` then ``when``."""
        return [*(leaves(self.requires) if self.requires else []), *leaves(self.when)]

    @cached_property
    def cited_paths(self) -> tuple[str, ...]:
        """Evidence paths, then every path a leaf reads: computed once, cited per finding."""
        read = [path for leaf in self.leaves() for path in (leaf.fact, leaf.value_fact) if path]
        return tuple(cited_paths(self.evidence, read))

    @cached_property
    def compiled(self) -> CompiledRule:
        """``requires`` and ``when`` compiled once, on first use (see ``conditions``)."""
        from .conditions import compile_rule  # conditions imports this module

        return compile_rule(self)

    def __getstate__(self) -> dict[str, Any]:
        """Without the compiled form (closures do not pickle; it is rebuilt on use)."""
        return {key: value for key, value in self.__dict__.items() if key != "compiled"}


RuleError = LocatedProblem  # one problem, as file:line:col: message


class RuleLoadError(InputError):
    """Every problem found while loading rule files, sorted; the CLI exits with code 2."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class Replacement:
    """A user rule that replaced the built-in rule with the same id."""

    rule_id: str
    builtin_file: str
    user_file: str


@dataclass
class RuleSet:
    rules: list[Rule]
    version: str
    replacements: list[Replacement] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def ordered(self) -> tuple[Rule, ...]:
        """The rules by family then id, sorted again only when ``rules`` changed."""
        ids = tuple(map(id, self.rules))  # the kept tuple holds the rules: ids stay theirs
        known = self.__dict__.get("_ordered")
        if known is None or known[0] != ids:
            ordered = tuple(sorted(self.rules, key=_family_id))
            known = self.__dict__["_ordered"] = (ids, ordered)
        return known[1]


def _family_id(rule: Rule) -> tuple[str, str]:
    return (rule.family, rule.id)
