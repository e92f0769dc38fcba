"""Three-valued evaluation of rule conditions over a facts document.

An absent fact makes a leaf ``unknown`` (except ``exists``/``missing``); ``all``/``any``/
``not`` follow Kleene logic, so ``unknown`` can only be cleared by a decisive sibling.

Conditions are compiled once (a rule keeps its compiled form): what depends only on the
leaf (operator, shown value, wildcard) is settled then. Every leaf is evaluated, since the
trace lists them all; a leaf's outcome depends only on the leaf and the document, so it is
kept in the document's :class:`Resolver` and shared by the rules that repeat the leaf.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from rgpd_check.facts.paths import Projection, Resolver, has_wildcard

from .model import MATCH, NO_MATCH, UNKNOWN, AllOf, AnyOf, Condition, Leaf, Not, Result, Rule
from .operators import OPERATORS, TypeMismatch, value_problem

MAX_SHOWN = 120

Outcome = tuple[Result, str]
LeafFn = Callable[[Resolver], Outcome]
Combine = Callable[[list[Result]], Result]


def kleene_all(results: Iterable[Result]) -> Result:
    seen = set(results)
    if NO_MATCH in seen:
        return NO_MATCH
    return UNKNOWN if UNKNOWN in seen else MATCH


def kleene_any(results: Iterable[Result]) -> Result:
    seen = set(results)
    if MATCH in seen:
        return MATCH
    return UNKNOWN if UNKNOWN in seen else NO_MATCH


_NOT: dict[Result, Result] = {MATCH: NO_MATCH, NO_MATCH: MATCH}


def kleene_not(result: Result) -> Result:
    return _NOT.get(result, UNKNOWN)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _rhs(leaf: Leaf, value: Any) -> str:
    if leaf.value_name:
        return f" {leaf.value_name}"
    if leaf.value_fact:
        return f" {leaf.value_fact} ({_show(value)})"
    if OPERATORS[leaf.op].value == "none":
        return ""
    return f" {_show(value)}"


# -- what a document says at a path, shared by the leaves reading it ----------------------


def _shown(paths: Resolver, key: tuple[str, str], projection: Projection) -> str:
    """How the values at a path are shown in traces (``key`` is ``("shown", path)``)."""
    shown: str | None = paths.memo.get(key)
    if shown is None:
        values = [hit.value for hit in projection.found]
        whole = values if has_wildcard(key[1]) else (values[0] if values else None)
        shown = paths.memo[key] = _show(whole)
    return shown


# -- leaves --------------------------------------------------------------------------------

_PLAIN = (str, int, float, bool, type(None))


def _typed(value: Any) -> Hashable:
    """A key that tells apart every value a leaf could compare or show differently."""
    if type(value) in _PLAIN:
        return (type(value), repr(value))
    if type(value) is list:
        return ("list", tuple(_typed(item) for item in value))
    if isinstance(value, re.Pattern):
        return ("re", value.pattern, value.flags)
    raise TypeError("no memo key")  # maps, subclasses: such leaves are not shared


def _signature(leaf: Leaf, value: Any) -> Hashable | None:
    """Equal for two leaves that always give the same outcome on a document (or None)."""
    try:
        shown = _typed(value)
    except TypeError:
        return None
    return ("leaf", leaf.fact, leaf.op, leaf.value_fact, leaf.quantifier, leaf.value_name, shown)


def compile_leaf(leaf: Leaf) -> LeafFn:
    """The leaf as a function of the document's resolver: its result and its trace line."""
    key, evaluate = _compile_leaf(leaf)

    def shared(paths: Resolver) -> Outcome:
        outcome: Outcome | None = paths.memo.get(key)
        if outcome is None:
            outcome = paths.memo[key] = evaluate(paths)
        return outcome

    return shared


def _compile_leaf(leaf: Leaf) -> tuple[Hashable, LeafFn]:
    """The leaf's memo key (shared by leaves with the same outcome) and its evaluation."""
    op = OPERATORS[leaf.op]
    fact = leaf.fact
    value_fact = leaf.value_fact
    fixed: Any = leaf.pattern if op.value == "regex" else leaf.value
    static_rhs = "" if value_fact else _rhs(leaf, fixed)
    presence = op.shape == "presence"
    wanted = op.name == "exists"
    element = op.shape == "element"
    every = leaf.quantifier == "all"
    wildcard = has_wildcard(fact)
    test = op.test
    shown_key = ("shown", fact)

    name = op.name

    def evaluate(paths: Resolver) -> Outcome:
        projection = paths.projections.get(fact) or paths.resolve(fact)
        shown = paths.memo.get(shown_key) or _shown(paths, shown_key, projection)
        if presence:
            present = bool(projection.found)
            seen = MATCH if present == wanted else NO_MATCH
            subject = f"{fact} = {shown}" if present else f"{fact} absent"
            return seen, f"{subject} {name} → {seen}"

        if not projection.found and projection.missing:  # absent
            return UNKNOWN, f"{fact} absent → {UNKNOWN}"

        value = fixed
        rhs = static_rhs
        if value_fact:
            present, value = paths.get(value_fact)
            if not present:
                return UNKNOWN, f"{fact} = {shown} {name} {value_fact} absent → {UNKNOWN}"
            rhs = _rhs(leaf, value)
        line = f"{fact} = {shown} {name}{rhs}"
        if value_fact and (problem := value_problem(op.value, value)):
            return UNKNOWN, f"{line} → {UNKNOWN} (type mismatch: {value_fact} {problem})"

        notes: list[str] = []
        result: Result
        if element:
            found = projection.found
            if len(found) == 1 and not projection.missing:  # one value: its own result
                try:
                    result = MATCH if test(found[0].value, value) else NO_MATCH
                except TypeMismatch as error:
                    result = UNKNOWN
                    notes.append(f"type mismatch at {found[0].path}: {error}")
                if every:
                    line += " (all)"
                suffix = f" ({notes[0]})" if notes else ""
                return result, f"{line} → {result}{suffix}"
            if not found and not projection.missing:
                return NO_MATCH, f"{line} → {NO_MATCH} (empty projection)"
            results: list[Result] = []
            for hit in projection.found:
                try:
                    results.append(MATCH if test(hit.value, value) else NO_MATCH)
                except TypeMismatch as error:
                    results.append(UNKNOWN)
                    notes.append(f"type mismatch at {hit.path}: {error}")
            results.extend(UNKNOWN for _ in projection.missing)
            if projection.missing:
                notes.append(f"{len(projection.missing)} element(s) absent")
            if every:
                line += " (all)"
                result = kleene_all(results)
            else:
                result = kleene_any(results)
        elif projection.missing:
            result = UNKNOWN
            notes.append(f"{len(projection.missing)} element(s) absent")
        else:
            found = projection.found
            whole = [hit.value for hit in found] if wildcard else found[0].value
            try:
                result = MATCH if test(whole, value) else NO_MATCH
            except TypeMismatch as error:
                result = UNKNOWN
                notes.append(f"type mismatch: {error}")
        suffix = f" ({'; '.join(notes)})" if notes else ""
        return result, f"{line} → {result}{suffix}"

    signature = _signature(leaf, fixed)
    return (signature if signature is not None else object()), evaluate


# -- conditions and rules ------------------------------------------------------------------


def _combine(condition: Condition, leaves: list[tuple[Hashable, LeafFn]]) -> Combine:
    """Appends the condition's leaves (document order) to ``leaves``; combines their results."""
    if isinstance(condition, Leaf):
        index = len(leaves)
        leaves.append(_compile_leaf(condition))
        return lambda results: results[index]
    if isinstance(condition, Not):
        child = _combine(condition.child, leaves)
        return lambda results: kleene_not(child(results))
    combine = kleene_all if isinstance(condition, AllOf) else kleene_any
    assert isinstance(condition, AllOf | AnyOf)
    flat = [child for child in condition.children if isinstance(child, Leaf)]
    if len(flat) == len(condition.children):
        first = len(leaves)
        leaves.extend(_compile_leaf(child) for child in flat)
        span = slice(first, len(leaves))  # leaves only: their results are side by side
        return lambda results: combine(results[span])
    children = [_combine(child, leaves) for child in condition.children]
    return lambda results: combine([child(results) for child in children])


@dataclass(frozen=True)
class CompiledCondition:
    keys: tuple[Hashable, ...]  # the leaves' memo keys, in document order
    leaves: tuple[LeafFn, ...]
    combine: Combine

    def run(self, paths: Resolver) -> tuple[Result, list[str]]:
        """Result of the condition and one trace line per leaf (every leaf is evaluated).

        A leaf's outcome is kept in ``paths.memo`` for the other rules that repeat it.
        """
        memo = paths.memo
        results: list[Result] = []
        lines: list[str] = []
        for key, leaf in zip(self.keys, self.leaves, strict=False):
            outcome = memo.get(key)
            if outcome is None:
                outcome = memo[key] = leaf(paths)
            results.append(outcome[0])
            lines.append(outcome[1])
        return self.combine(results), lines


def compile_condition(condition: Condition) -> CompiledCondition:
    leaves: list[tuple[Hashable, LeafFn]] = []
    combine = _combine(condition, leaves)
    return CompiledCondition(
        tuple(key for key, _ in leaves), tuple(leaf for _, leaf in leaves), combine
    )


@dataclass(frozen=True)
class CompiledRule:
    when: CompiledCondition
    requires: CompiledCondition | None

    def run(self, paths: Resolver) -> tuple[Result, list[str]]:
        """See :func:`evaluate_rule_condition`."""
        result, trace = self.when.run(paths)
        if self.requires is None:
            return result, trace
        precondition, before = self.requires.run(paths)
        trace = [*(f"requires: {line}" for line in before), *trace]
        if precondition != MATCH and result != NO_MATCH:
            trace.append(f"requires → {precondition}: a match cannot be concluded → {UNKNOWN}")
            return UNKNOWN, trace
        return result, trace


def compile_rule(rule: Rule) -> CompiledRule:
    requires = compile_condition(rule.requires) if rule.requires is not None else None
    return CompiledRule(compile_condition(rule.when), requires)


def evaluate_leaf(
    leaf: Leaf, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, str]:
    """Result of one leaf and its trace line (``resolver`` shares path walks across leaves)."""
    return compile_leaf(leaf)(resolver if resolver is not None else Resolver(facts))


def evaluate_condition(
    condition: Condition, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, list[str]]:
    """Result of a condition tree and one trace line per leaf (every leaf is evaluated)."""
    paths = resolver if resolver is not None else Resolver(facts)
    return compile_condition(condition).run(paths)


def evaluate_rule_condition(
    rule: Rule, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, list[str]]:
    """``when``, guarded by ``requires``: a match needs the precondition; without it, unknown.

    Absence-based rules need this: "no privacy policy found" proves nothing when the crawl
    was incomplete, yet ``all(complete, not found)`` would say no_match there. A no_match of
    ``when`` (a policy was found) stands whatever the precondition.
    """
    return rule.compiled.run(resolver if resolver is not None else Resolver(facts))
