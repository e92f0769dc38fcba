"""One gate run: every approved tool evaluated (offline or live), checked, and summed up."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import cache
from pathlib import Path

from rgpd_check.catalog.lock import batch_lock
from rgpd_check.classify import load_policy
from rgpd_check.errors import InputError
from rgpd_check.gate.checks import check_tool
from rgpd_check.gate.evaluation import Evaluation, audit_live, evaluate_offline
from rgpd_check.gate.model import ApprovedList, ApprovedTool
from rgpd_check.gate.observe import observe
from rgpd_check.gate.options import GateOptions
from rgpd_check.gate.result import FAIL, GateResult, Reason, ToolResult
from rgpd_check.knowledge import load_countries
from rgpd_check.rules import RuleSet, load_rules

Progress = Callable[[ApprovedTool, int, int], None]


def selected_tools(approved: ApprovedList, only: tuple[str, ...]) -> list[ApprovedTool]:
    """The tools to check; an unknown ``--only`` id is a usage error (exit 2)."""
    if not only:
        return list(approved.tools)
    unknown = sorted(set(only) - set(approved.by_id))
    if unknown:
        raise InputError(
            f"outil inconnu dans {approved.display} / unknown tool: {', '.join(unknown)}"
        )
    return [tool for tool in approved.tools if tool.id in only]


def check_paths(options: GateOptions) -> None:
    """Refuse an output folder that could overwrite the stored audits."""
    if options.out is None:
        return
    out, reports = options.out.resolve(), options.reports.resolve()
    if out == reports or reports in out.parents or out in reports.parents:
        raise InputError(
            f"--out {options.out} ne doit pas contenir ni être dans --reports {options.reports}"
            " / must not contain nor be inside --reports"
        )


def _error_reason(tool: ApprovedTool, evaluation: Evaluation) -> Reason:
    assert evaluation.error_code and evaluation.error
    return Reason(
        code=evaluation.error_code,
        severity=FAIL,
        message=evaluation.error,
        line=tool.line,
    )


def run_gate(
    approved: ApprovedList, options: GateOptions, progress: Progress | None = None
) -> GateResult:
    """Evaluate and check every selected tool; never stops at the first failing tool."""
    started_at = dt.datetime.now(dt.UTC)
    started = time.monotonic()
    tools = selected_tools(approved, options.only)
    check_paths(options)
    if not options.live and not options.reports.is_dir():
        raise InputError(f"--reports {options.reports}: dossier introuvable / folder not found")
    policy = load_policy(options.policy) if options.policy else load_policy()
    countries = load_countries()

    @cache
    def ruleset() -> RuleSet:
        return load_rules(list(options.rules), include_builtin=options.default_rules)

    results: list[ToolResult] = []
    rules_version = None
    with ExitStack() as stack:
        if options.live:
            stack.enter_context(batch_lock(options.reports))  # never beside a catalog batch
        if options.out is not None:
            work = options.out
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rgpd-ci-")))
        for index, tool in enumerate(tools):
            if progress:
                progress(tool, index, len(tools))
            if options.live:
                evaluation = audit_live(tool, options)
            else:
                evaluation = evaluate_offline(tool, options, work)
            item = ToolResult(tool=tool, audit_dir=evaluation.audit_dir, seconds=evaluation.seconds)
            seen = None
            if evaluation.error_code is not None:
                item.reasons.append(_error_reason(tool, evaluation))
            else:
                assert evaluation.result is not None
                rules_version = str(evaluation.result.report.get("rules_version"))
                active = {w.finding for w in tool.waivers if options.today <= w.until}
                seen = observe(evaluation.result, active, policy, ruleset)
                item.level = seen.level
                item.level_with_waivers = seen.level_with_waivers
                item.waived = list(seen.waived_rules)
                item.audited_at = seen.audited_at
                item.audited_name = (evaluation.result.report.get("tool") or {}).get("name")
            item.reasons += check_tool(
                tool, seen, options.today, strict=options.strict, is_eea=countries.is_eea
            )
            results.append(item)
    return GateResult(
        approved=approved,
        mode="live" if options.live else "offline",
        strict=options.strict,
        today=options.today,
        started_at=started_at,
        tools=results,
        rules_version=rules_version,
        seconds=time.monotonic() - started,
    )
