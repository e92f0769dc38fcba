"""Three-valued evaluation of rule conditions over a facts document.

An absent fact makes a leaf ``unknown`` (except ``exists``/``missing``); ``all``/``any``/
``not`` follow Kleene logic, so ``unknown`` can only be cleared by a decisive sibling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rgpd_check.facts.paths import Resolver, has_wildcard

from .model import MATCH, NO_MATCH, UNKNOWN, AllOf, AnyOf, Condition, Leaf, Not, Result, Rule
from .operators import OPERATORS, TypeMismatch, value_problem

MAX_SHOWN = 120


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


def kleene_not(result: Result) -> Result:
    return {MATCH: NO_MATCH, NO_MATCH: MATCH}.get(result, UNKNOWN)  # type: ignore[return-value]


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


def evaluate_leaf(
    leaf: Leaf, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, str]:
    """Result of one leaf and its trace line (``resolver`` shares path walks across leaves)."""
    paths = resolver if resolver is not None else Resolver(facts)
    op = OPERATORS[leaf.op]
    projection = paths.resolve(leaf.fact)
    wildcard = has_wildcard(leaf.fact)
    values = [hit.value for hit in projection.found]
    shown = _show(values if wildcard else (values[0] if values else None))

    if op.shape == "presence":
        present = bool(values)
        result = MATCH if present == (op.name == "exists") else NO_MATCH
        subject = f"{leaf.fact} = {shown}" if present else f"{leaf.fact} absent"
        return result, f"{subject} {op.name} → {result}"

    if projection.absent:
        return UNKNOWN, f"{leaf.fact} absent → {UNKNOWN}"

    value: Any = leaf.pattern if op.value == "regex" else leaf.value
    if leaf.value_fact:
        present, value = paths.get(leaf.value_fact)
        if not present:
            return UNKNOWN, f"{leaf.fact} = {shown} {op.name} {leaf.value_fact} absent → {UNKNOWN}"
    line = f"{leaf.fact} = {shown} {op.name}{_rhs(leaf, value)}"
    if leaf.value_fact and (problem := value_problem(op.value, value)):
        return UNKNOWN, f"{line} → {UNKNOWN} (type mismatch: {leaf.value_fact} {problem})"

    notes: list[str] = []
    if op.shape == "element":
        if not projection.found and not projection.missing:
            return NO_MATCH, f"{line} → {NO_MATCH} (empty projection)"
        results: list[Result] = []
        for hit in projection.found:
            try:
                results.append(MATCH if op.test(hit.value, value) else NO_MATCH)
            except TypeMismatch as error:
                results.append(UNKNOWN)
                notes.append(f"type mismatch at {hit.path}: {error}")
        results.extend(UNKNOWN for _ in projection.missing)
        if projection.missing:
            notes.append(f"{len(projection.missing)} element(s) absent")
        if leaf.quantifier == "all":
            line += " (all)"
            result = kleene_all(results)
        else:
            result = kleene_any(results)
    elif projection.missing:
        result = UNKNOWN
        notes.append(f"{len(projection.missing)} element(s) absent")
    else:
        whole = values if wildcard else values[0]
        try:
            result = MATCH if op.test(whole, value) else NO_MATCH
        except TypeMismatch as error:
            result = UNKNOWN
            notes.append(f"type mismatch: {error}")
    suffix = f" ({'; '.join(notes)})" if notes else ""
    return result, f"{line} → {result}{suffix}"


def evaluate_condition(
    condition: Condition, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, list[str]]:
    """Result of a condition tree and one trace line per leaf (every leaf is evaluated)."""
    paths = resolver if resolver is not None else Resolver(facts)
    if isinstance(condition, Leaf):
        result, line = evaluate_leaf(condition, facts, paths)
        return result, [line]
    if isinstance(condition, Not):
        result, trace = evaluate_condition(condition.child, facts, paths)
        return kleene_not(result), trace
    outcomes = [evaluate_condition(child, facts, paths) for child in condition.children]
    trace = [line for _, lines in outcomes for line in lines]
    combine = kleene_all if isinstance(condition, AllOf) else kleene_any
    assert isinstance(condition, AllOf | AnyOf)
    return combine(result for result, _ in outcomes), trace


def evaluate_rule_condition(
    rule: Rule, facts: dict[str, Any], resolver: Resolver | None = None
) -> tuple[Result, list[str]]:
    """``when``, guarded by ``requires``: a match needs the precondition; without it, unknown.

    Absence-based rules need this: "no privacy policy found" proves nothing when the crawl
    was incomplete, yet ``all(complete, not found)`` would say no_match there. A no_match of
    ``when`` (a policy was found) stands whatever the precondition.
    """
    paths = resolver if resolver is not None else Resolver(facts)
    result, trace = evaluate_condition(rule.when, facts, paths)
    if rule.requires is None:
        return result, trace
    precondition, before = evaluate_condition(rule.requires, facts, paths)
    trace = [*(f"requires: {line}" for line in before), *trace]
    if precondition != MATCH and result != NO_MATCH:
        trace.append(f"requires → {precondition}: a match cannot be concluded → {UNKNOWN}")
        return UNKNOWN, trace
    return result, trace
