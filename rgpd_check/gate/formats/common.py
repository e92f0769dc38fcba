"""Small helpers the output formats share: level labels and which reasons CI tools get."""

from __future__ import annotations

from rgpd_check.gate.labels import level_label
from rgpd_check.gate.result import FAIL, WARN, GateResult, Reason, ToolResult

TOOL_NAME = "rgpd-check"
RULE_PREFIX = "rgpd-check/"

__all__ = ["RULE_PREFIX", "TOOL_NAME", "flagged", "level_label"]


def flagged(result: GateResult) -> list[tuple[ToolResult, Reason]]:
    """Failures and warnings, tool by tool: what code-review tools should show."""
    return [
        (tool, reason)
        for tool in result.tools
        for reason in tool.sorted_reasons()
        if reason.severity in (FAIL, WARN)
    ]
