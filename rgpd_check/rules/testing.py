"""Run the tests embedded in rule files (``rgpd-check rules test`` and pytest)."""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import evaluate_rule_condition
from .model import Result, Rule, RuleSet, RuleTest


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    rule_id: str
    name: str
    expected: Result
    got: Result
    passed: bool
    todo: bool
    file: str
    line: int
    trace: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """PASS, FAIL, or XFAIL for a failing test marked ``todo``."""
        if self.passed:
            return "PASS"
        return "XFAIL" if self.todo else "FAIL"


def run_test(rule: Rule, test: RuleTest) -> TestOutcome:
    got, trace = evaluate_rule_condition(rule, test.facts)
    return TestOutcome(
        rule_id=rule.id,
        name=test.name,
        expected=test.expect,
        got=got,
        passed=got == test.expect,
        todo=test.todo,
        file=rule.source_file,
        line=test.line,
        trace=tuple(trace),
    )


def run_tests(ruleset: RuleSet) -> list[TestOutcome]:
    """Every embedded test of every rule, by family, id, then file order."""
    ordered = sorted(ruleset.rules, key=lambda rule: (rule.family, rule.id))
    return [run_test(rule, test) for rule in ordered for test in rule.tests]


def format_test_report(outcomes: list[TestOutcome]) -> str:
    """One line per test (failures followed by their location and trace), then the totals."""
    lines: list[str] = []
    for outcome in outcomes:
        lines.append(
            f"{outcome.status} {outcome.rule_id} [{outcome.name}] "
            f"expected {outcome.expected}, got {outcome.got}"
        )
        if outcome.status == "FAIL":
            lines.append(f"    at {outcome.file}:{outcome.line}")
            lines.extend(f"    {line}" for line in outcome.trace)
    passed = sum(o.status == "PASS" for o in outcomes)
    failed = sum(o.status == "FAIL" for o in outcomes)
    xfail = sum(o.status == "XFAIL" for o in outcomes)
    total = f"{passed} passed, {failed} failed" + (f", {xfail} xfail" if xfail else "")
    return "\n".join([*lines, total])
