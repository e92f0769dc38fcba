"""Audit a whole catalog: tools run concurrently, a failing tool never stops the batch.

Politeness across tools: two tools whose URLs share a registrable domain never run at the
same time (each audit already keeps its own per-host limits). Resume: a tool whose
``latest`` audit is complete, done with the same inputs and newer than ``since`` is
skipped, so an interrupted batch simply runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from rgpd_check import api
from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.catalog import layout
from rgpd_check.catalog.layout import RunInfo
from rgpd_check.catalog.lock import batch_lock
from rgpd_check.catalog.model import Catalog, Tool
from rgpd_check.catalog.shard import shard_items
from rgpd_check.errors import EXIT_CHECK_FAILED, EXIT_OK, InputError
from rgpd_check.evidence.bundle import now_iso

AUDITED, SKIPPED, FAILED = "audited", "skipped", "failed"


@dataclass(frozen=True)
class BatchOptions:
    """What the batch adds to the per-audit options (network, budgets, rules, formats)."""

    jobs: int = 4
    only: tuple[str, ...] = ()
    since: datetime | None = None
    shard: tuple[int, int] | None = None  # (K, N), 1-based: see rgpd_check.catalog.shard
    audit: api.AuditOptions = field(default_factory=api.AuditOptions)
    # Where the CPU-bound analysis of each audit runs: 0 = one thread beside the event loop
    # (the loop keeps serving the other audits' requests), N = N worker processes (uses
    # N more cores, about 100 MB of memory each).
    processes: int = 0


@dataclass
class ToolOutcome:
    tool: Tool
    status: str
    run: RunInfo | None = None
    reason: str | None = None
    seconds: float = 0.0


@dataclass
class BatchResult:
    outcomes: list[ToolOutcome]
    cleaned: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        """0 when every tool has an audit, 1 when some could not be audited."""
        return EXIT_CHECK_FAILED if self.count(FAILED) else EXIT_OK


class BatchListener(Protocol):
    """What a progress display is told (the CLI's is :mod:`rgpd_check.catalog.progress`)."""

    def planned(self, to_audit: list[Tool], skipped: list[ToolOutcome]) -> None: ...

    def started(self, tool: Tool) -> None: ...

    def finished(self, outcome: ToolOutcome) -> None: ...


def select_tools(catalog: Catalog, only: tuple[str, ...]) -> list[Tool]:
    """The tools named by ``--only`` (unknown ids are an input error), else all."""
    if not only:
        return list(catalog.tools)
    unknown = [i for i in only if i not in catalog.by_id]
    if unknown:
        raise InputError(f"outil inconnu du catalogue / unknown tool id: {', '.join(unknown)}")
    return [t for t in catalog.tools if t.id in only]


def up_to_date(tool: Tool, reports: Path, since: datetime | None) -> RunInfo | None:
    """The latest complete audit when it can be kept as is, else None."""
    run = layout.latest(reports, tool.id)
    if run is None or run.data.get("inputs") != tool.audit_inputs():
        return None
    if since is not None and run.started < since:
        return None
    return run


def tool_domains(tool: Tool) -> frozenset[str]:
    return frozenset(registrable_domain(host_of(u)) for u in tool.audit_urls if host_of(u))


def audit_options(tool: Tool, base: api.AuditOptions) -> api.AuditOptions:
    """The catalog's context and stance for this tool, over the batch's options."""
    return dataclasses.replace(
        base,
        name=tool.name,
        audience=tool.context.audit_audience,
        school_level=tool.context.audit_school_level,
        stance=tool.stance.as_override() if tool.stance else None,
        operator_kind=base.operator_kind or tool.vendor.kind,
        command_line=base.command_line or tuple(sys.argv),
    )


async def audit_tool(
    tool: Tool, reports: Path, base: api.AuditOptions, analysis: Executor | None = None
) -> ToolOutcome:
    """Audit one tool into a new timestamp folder; any failure becomes a failed outcome."""
    clock = time.monotonic()
    run_dir = layout.new_run_dir(reports, tool.id)
    started = now_iso()
    record = {
        "tool_id": tool.id,
        "started_at": started,
        "inputs": tool.audit_inputs(),
        "context": {
            "audience": tool.context.audit_audience,
            "school_level": tool.context.audit_school_level,
            "narrowed": tool.context.narrowed,
        },
    }
    reason: str | None = None
    try:
        result = await api.audit_async(
            tool.audit_urls, run_dir, audit_options(tool, base), analysis=analysis
        )
    except Exception as exc:  # noqa: BLE001 - one broken tool never stops the batch
        reason = f"{type(exc).__name__}: {exc}"
    else:
        report = result.report
        record.update(
            level=report["level"],
            computed_level=report["computed_level"],
            level_label=report["level_label"],
            audited_at=report["audited_at"],
            collection=report["collection"]["status"],
        )
        if not result.collected:
            failures = report["collection"].get("failures") or [{}]
            first = str(failures[0].get("reason") or "")
            reason = "rien n'a pu être collecté / nothing could be collected" + (
                f" ({first})" if first else ""
            )
    record.update(status="failed" if reason else "complete", ended_at=now_iso())
    if reason:
        record["reason"] = reason
    layout.write_run(run_dir, record)
    run = layout.read_run(run_dir, tool.id)
    if reason is None and run is not None:
        layout.set_latest(reports, tool.id, run_dir.name)
        return ToolOutcome(tool, AUDITED, run, seconds=time.monotonic() - clock)
    return ToolOutcome(
        tool,
        FAILED,
        run,
        reason or "rapport incomplet / incomplete report",
        seconds=time.monotonic() - clock,
    )


def _browser_scope(browser: bool) -> contextlib.AbstractAsyncContextManager[object]:
    """One Chromium launch for the whole batch (each audit gets a fresh context)."""
    if not browser:
        return contextlib.nullcontext()
    from rgpd_check.collect.browser import shared_browser

    return shared_browser()


def analysis_executor(processes: int) -> Executor:
    """One analysis thread, or a pool of ``processes`` fresh interpreters (spawned: forking
    a process that runs an event loop and threads is unsafe)."""
    if processes == 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="rgpd-analysis")
    return ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn"))


async def run_batch(
    catalog: Catalog,
    reports: Path,
    options: BatchOptions | None = None,
    listener: BatchListener | None = None,
) -> BatchResult:
    """Audit what is not up to date; call under :func:`batch_lock` (``audit_catalog`` does)."""
    options = options or BatchOptions()
    if options.jobs < 1:
        raise InputError("--jobs doit valoir au moins 1 / must be at least 1")
    if options.processes < 0:
        raise InputError("--processes doit être positif / must not be negative")
    tools = select_tools(catalog, options.only)
    if options.shard is not None:
        tools = shard_items(tools, [t.id for t in tools], *options.shard)
    cleaned = layout.clean_incomplete(reports, [t.id for t in tools])
    skipped, pending = [], []
    for tool in tools:
        run = up_to_date(tool, reports, options.since)
        if run is not None:
            skipped.append(ToolOutcome(tool, SKIPPED, run, "à jour / up to date"))
        else:
            pending.append(tool)
    if listener:
        listener.planned(list(pending), skipped)
    outcomes: list[ToolOutcome] = list(skipped)
    busy: set[str] = set()
    domains = {t.id: tool_domains(t) for t in pending}
    ready = asyncio.Condition()

    async def worker() -> None:
        while True:
            async with ready:
                while True:
                    if not pending:
                        return
                    tool = next((t for t in pending if not domains[t.id] & busy), None)
                    if tool is not None:
                        break
                    await ready.wait()
                pending.remove(tool)
                busy.update(domains[tool.id])
            if listener:
                listener.started(tool)
            try:
                outcome = await audit_tool(tool, reports, options.audit, analysis)
            finally:
                async with ready:
                    busy.difference_update(domains[tool.id])
                    ready.notify_all()
            outcomes.append(outcome)
            if listener:
                listener.finished(outcome)

    workers = min(options.jobs, max(len(pending), 1))
    with analysis_executor(options.processes) as analysis:
        async with _browser_scope(options.audit.browser):
            await asyncio.gather(*(worker() for _ in range(workers)))
    order = {t.id: i for i, t in enumerate(tools)}
    outcomes.sort(key=lambda o: order[o.tool.id])
    return BatchResult(outcomes=outcomes, cleaned=cleaned)


def audit_catalog(
    catalog: Catalog,
    reports: Path,
    options: BatchOptions | None = None,
    listener: BatchListener | None = None,
) -> BatchResult:
    """The batch, holding the folder's lock (a second concurrent batch is refused)."""
    with batch_lock(reports):
        return asyncio.run(run_batch(catalog, reports, options, listener))
