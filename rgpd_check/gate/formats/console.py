"""The readable summary printed in the CI log: one line per tool, its reasons under it."""

from __future__ import annotations

from rgpd_check.gate.formats.common import level_label
from rgpd_check.gate.result import FAIL, INFO, PASS, WARN, GateResult, ToolResult

MARKS = {PASS: "✔", WARN: "!", FAIL: "✘", INFO: "·"}
MODES = {"offline": "hors ligne / offline", "live": "en direct / live"}


def _tool_line(display: str, item: ToolResult) -> str:
    tool = item.tool
    head = f"{MARKS[item.status]} {item.name} [{tool.id}] ({display}:{tool.line})"
    if item.level_with_waivers is None:
        return head
    level = item.level_with_waivers
    waived = f", sans dérogations / without waivers: {item.level}" if item.level != level else ""
    return (
        f"{head} — niveau / level: {level_label(level)} ({level}){waived};"
        f" accepté / accepted: {tool.accepted_level}"
    )


def render_console(result: GateResult, *, verbose: bool = False) -> str:
    """Failures and warnings always; notes (``info``) only when ``verbose``."""
    display = result.approved.display
    lines = [
        f"rgpd-check ci — {display} — {MODES.get(result.mode, result.mode)}"
        f" — {result.today.isoformat()}" + (" — strict" if result.strict else "")
    ]
    for item in result.tools:
        lines.append(_tool_line(display, item))
        for reason in item.sorted_reasons():
            if reason.severity == INFO and not verbose:
                continue
            lines.append(
                f"    {MARKS[reason.severity]} {display}:{reason.line} [{reason.code}]"
                f" {reason.text('fr')}"
            )
            lines.append(f"      {reason.text('en')}")
    failed, warned, passed = result.count(FAIL), result.count(WARN), result.count(PASS)
    verdict = "ÉCHEC / FAILED" if result.exit_code else "OK"
    lines.append(
        f"{verdict} : {len(result.tools)} outil(s) / tool(s) — {failed} en échec / failed,"
        f" {warned} avec avertissement / with warnings, {passed} conforme(s) / passed"
    )
    return "\n".join(lines) + "\n"
