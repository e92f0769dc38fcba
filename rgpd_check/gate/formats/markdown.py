"""A Markdown summary for a merge-request comment or ``$GITHUB_STEP_SUMMARY``.

Everything that comes from the list or from a vendor's site (names, URLs, domains) is escaped:
a tool name must not be able to inject links, HTML or table cells into the comment.
"""

from __future__ import annotations

import re

from rgpd_check.gate.formats.common import level_label
from rgpd_check.gate.result import FAIL, INFO, PASS, WARN, GateResult, ToolResult

ICONS = {PASS: "✅", WARN: "⚠️", FAIL: "❌", INFO: "ℹ️"}
STATUS = {
    PASS: "conforme / passed",
    WARN: "avertissement / warning",
    FAIL: "échec / failed",
}
MODES = {"offline": "hors ligne / offline", "live": "en direct / live"}
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Plain text in Markdown (and in a table cell): no markup, no HTML, one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _level(item: ToolResult) -> str:
    if item.level_with_waivers is None:
        return "—"
    text = escape(level_label(item.level_with_waivers))
    if item.level and item.level != item.level_with_waivers:
        text += f" (sans dérogations / without waivers: {escape(level_label(item.level))})"
    return text


def _row(display: str, item: ToolResult) -> str:
    tool = item.tool
    first = next((r for r in item.sorted_reasons() if r.severity in (FAIL, WARN)), None)
    summary = escape(first.text("fr")) if first else ""
    extra = sum(1 for r in item.reasons if r.severity in (FAIL, WARN)) - 1
    if extra > 0:
        summary += f" (+{extra})"
    cells = [
        ICONS[item.status],
        f"{escape(item.name)} (`{tool.id}`)",
        _level(item),
        escape(level_label(tool.accepted_level)),
        f"`{display}:{tool.line}`".replace("|", "\\|"),
        summary or "—",
    ]
    return "| " + " | ".join(cells) + " |"


def render_markdown(result: GateResult) -> str:
    display = result.approved.display
    failed, warned, passed = result.count(FAIL), result.count(WARN), result.count(PASS)
    verdict = "❌ Échec / Failed" if result.exit_code else "✅ OK"
    lines = [
        "## rgpd-check ci — outils approuvés / approved tools",
        "",
        f"**{verdict}** — {failed} en échec / failed, {warned} avec avertissement / with"
        f" warnings, {passed} conforme(s) / passed — `{display}`,"
        f" {MODES.get(result.mode, result.mode)}, {result.today.isoformat()}"
        + (", strict" if result.strict else ""),
        "",
        "| | Outil / Tool | Niveau / Level | Accepté / Accepted | Ligne / Line | Raison / Reason |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(display, item) for item in result.tools]
    details = [item for item in result.tools if item.reasons]
    if details:
        lines += ["", "### Détails / Details"]
    for item in details:
        tool = item.tool
        title = f"#### {ICONS[item.status]} {escape(item.name)} — `{display}:{tool.line}`"
        lines += ["", title, ""]
        if tool.conditions:
            conditions = "; ".join(escape(c) for c in tool.conditions)
            lines.append(f"Conditions d'approbation / conditions of approval : {conditions}")
            lines.append("")
        for reason in item.sorted_reasons():
            lines.append(
                f"- {ICONS[reason.severity]} `{reason.code}` (ligne / line {reason.line}) :"
                f" {escape(reason.text('fr'))}  "
            )
            lines.append(f"  _{escape(reason.text('en'))}_")
    return "\n".join(lines) + "\n"
