"""The rule engine: rules are validated YAML data with embedded tests, evaluated with
three-valued logic (``match``, ``no_match``, ``unknown``) into findings with evidence.

Files: ``yamlpos`` (YAML with positions), ``model`` (data), ``operators``, ``conditions``
(evaluator), ``validate`` (checks one file), ``loader``, ``engine`` (findings), ``testing``.
"""

from .conditions import evaluate_condition, evaluate_rule_condition
from .engine import evaluate, evaluate_rule
from .loader import load_rules
from .model import (
    MATCH,
    NO_MATCH,
    UNKNOWN,
    Replacement,
    Result,
    Rule,
    RuleError,
    RuleLoadError,
    RuleSet,
    RuleTest,
)
from .testing import TestOutcome, format_test_report, run_tests


def format_errors(err: RuleLoadError) -> str:
    """The sorted ``file:line:col: message`` lines, then a count."""
    count = len(err.errors)
    lines = [str(error) for error in err.errors]
    lines.append(f"{count} error{'s' if count != 1 else ''} in rule files")
    return "\n".join(lines)


__all__ = [
    "MATCH",
    "NO_MATCH",
    "UNKNOWN",
    "Replacement",
    "Result",
    "Rule",
    "RuleError",
    "RuleLoadError",
    "RuleSet",
    "RuleTest",
    "TestOutcome",
    "evaluate",
    "evaluate_condition",
    "evaluate_rule_condition",
    "evaluate_rule",
    "format_errors",
    "format_test_report",
    "load_rules",
    "run_tests",
]
