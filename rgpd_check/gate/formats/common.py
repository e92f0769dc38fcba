"""Small helpers the output formats share: level labels and which reasons CI tools get."""

from __future__ import annotations

from functools import cache

from rgpd_check.classify import LevelPolicy, load_policy
from rgpd_check.gate.result import FAIL, WARN, GateResult, Reason, ToolResult

TOOL_NAME = "rgpd-check"
RULE_PREFIX = "rgpd-check/"


@cache
def _policy() -> LevelPolicy:
    policy: LevelPolicy = load_policy()
    return policy


def level_label(level: str | None, lang: str = "fr") -> str:
    """The policy's label of a level ("Utilisable avec précautions"), or a dash."""
    if not level:
        return "—"
    try:
        return _policy().label(level, lang)
    except KeyError:
        return level


def flagged(result: GateResult) -> list[tuple[ToolResult, Reason]]:
    """Failures and warnings, tool by tool: what code-review tools should show."""
    return [
        (tool, reason)
        for tool in result.tools
        for reason in tool.sorted_reasons()
        if reason.severity in (FAIL, WARN)
    ]
