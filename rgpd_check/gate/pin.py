"""``rgpd-check ci pin``: write each tool's baseline into the approved list, in place.

The list is hand-written and reviewed in merge requests, so only the ``baseline:`` block of
each pinned tool changes: comments, order and formatting of everything else are kept. The new
text is checked by the loader before it replaces the file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rgpd_check import __version__
from rgpd_check.errors import InputError
from rgpd_check.evidence.bundle import write_atomic
from rgpd_check.gate.evaluation import evaluate_offline
from rgpd_check.gate.loader import load_approved, parse_approved
from rgpd_check.gate.options import GateOptions
from rgpd_check.gate.run import check_paths, selected_tools

PIN_COMMENT = "# écrit par / written by 'rgpd-check ci pin'"


@dataclass
class PinOutcome:
    tool_id: str
    pinned: bool
    message: str
    baseline: dict[str, Any] | None = None


def baseline_from(
    report: dict[str, Any], facts: dict[str, Any], audit: str, today: dt.date
) -> dict[str, Any]:
    """The baseline of one report: what later runs compare with."""
    summary = report.get("summary") or {}
    hosting = facts.get("hosting") or {}
    countries = hosting.get("tool_countries")
    providers = hosting.get("tool_providers")
    return {
        "pinned_on": today,
        "audit": audit,
        "level": report.get("computed_level"),
        "rules_version": str(report.get("rules_version")),
        "rgpd_check_version": __version__,
        "hosting_countries": sorted(countries) if countries is not None else None,
        "hosting_providers": sorted(providers) if providers is not None else None,
        "third_party_domains": sorted(set(summary.get("third_party_domains") or [])),
        "tracker_domains": sorted(set(summary.get("tracker_domains") or [])),
        "documents": [
            {k: str(d[k]) for k in ("type", "url", "text_hash", "text_hash_version")}
            for d in sorted(summary.get("documents") or [], key=lambda d: (d["type"], d["url"]))
        ],
    }


def render_baseline(baseline: dict[str, Any], indent: int) -> str:
    """``baseline:`` and its block, for a key at column ``indent`` (no final newline)."""
    body = yaml.safe_dump(
        baseline, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096
    )
    pad = " " * (indent + 2)
    return "\n".join([f"baseline:  {PIN_COMMENT}", *(pad + line for line in body.splitlines())])


def _last_end(node: yaml.Node) -> int:
    """End offset of the last character that belongs to ``node`` (comments excluded)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1])
    return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    """Offset of the end of the line holding the character just before ``index``."""
    index = max(index, 1)
    while index > 0 and text[index - 1] in "\r\n":
        index -= 1
    newline = text.find("\n", index)
    end = len(text) if newline == -1 else newline
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def rewrite_baselines(text: str, baselines: dict[int, dict[str, Any]], display: str) -> str:
    """Replace or add the ``baseline:`` of the tools at the given list indexes."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    tools_node = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "tools":
                tools_node = value
    if not isinstance(tools_node, yaml.SequenceNode) or tools_node.flow_style:
        raise InputError(f"{display}: 'tools' must be a block list to be pinned")
    edits: list[tuple[int, int, str]] = []
    for index, baseline in baselines.items():
        item = tools_node.value[index]
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode) or item.flow_style or not item.value:
            raise InputError(
                f"{display}:{line}: write this tool as a block mapping (key: value on"
                " separate lines) so that its baseline can be pinned"
            )
        indent = item.value[0][0].start_mark.column
        existing = [(k, v) for k, v in item.value if k.value == "baseline"]
        if existing:
            key, value = existing[0]
            start = key.start_mark.index
            end = _line_end(text, max(_last_end(value), key.end_mark.index))
            edits.append((start, end, render_baseline(baseline, indent)))
        else:
            end = _line_end(text, _last_end(item))
            edits.append((end, end, "\n" + " " * indent + render_baseline(baseline, indent)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def pin(approved_path: Path, options: GateOptions) -> list[PinOutcome]:
    """Pin the selected tools from their latest stored audit, re-evaluated with current rules.

    Tools without a usable audit are reported and left unchanged; the file is rewritten only
    if at least one tool was pinned.
    """
    approved = load_approved(approved_path)
    tools = selected_tools(approved, options.only)
    check_paths(options)
    if not options.reports.is_dir():
        raise InputError(f"--reports {options.reports}: dossier introuvable / folder not found")
    outcomes: list[PinOutcome] = []
    baselines: dict[int, dict[str, Any]] = {}
    index_of = {tool.id: i for i, tool in enumerate(approved.tools)}
    with tempfile.TemporaryDirectory(prefix="rgpd-ci-pin-") as tmp:
        work = options.out or Path(tmp)
        for tool in tools:
            evaluation = evaluate_offline(tool, options, work)
            if evaluation.result is None or evaluation.audit_dir is None:
                message = (evaluation.error or {}).get("fr", "?")
                message += " / " + (evaluation.error or {}).get("en", "?")
                outcomes.append(PinOutcome(tool.id, False, message))
                continue
            baseline = baseline_from(
                evaluation.result.report,
                evaluation.result.facts,
                evaluation.audit_dir.name,
                options.today,
            )
            baselines[index_of[tool.id]] = baseline
            outcomes.append(PinOutcome(tool.id, True, evaluation.audit_dir.name, baseline))
    if baselines:
        text = approved_path.read_text(encoding="utf-8")
        new_text = rewrite_baselines(text, baselines, approved.display)
        parse_approved(new_text, approved_path, approved.display)  # never write a broken list
        write_atomic(approved_path, new_text)
    return outcomes
