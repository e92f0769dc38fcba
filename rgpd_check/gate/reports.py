"""The reports layout, shared with ``catalog audit`` (:mod:`rgpd_check.catalog.layout`).

``REPORTS/<tool-id>/<timestamp>/`` holds one audit; it counts once its ``run.json`` is
written; ``REPORTS/<tool-id>/latest`` names the current one. The gate reads ``latest`` in
offline mode and, in live mode, records its audits the same way as a catalog batch so that
``catalog build`` shows them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rgpd_check.api import AuditResult
from rgpd_check.catalog import layout
from rgpd_check.evidence.bundle import now_iso


def latest_audit(reports: Path, tool_id: str) -> Path | None:
    """The current complete audit of a tool (``latest``, else the newest complete one)."""
    run = layout.latest(reports, tool_id)
    return run.path if run is not None else None


def new_audit_dir(reports: Path, tool_id: str) -> Path:
    """A fresh timestamp folder for one audit."""
    return layout.new_run_dir(reports, tool_id)


def record_audit(
    reports: Path,
    tool_id: str,
    audit_dir: Path,
    *,
    started_at: str,
    inputs: dict[str, Any],
    result: AuditResult | None,
    reason: str | None = None,
) -> bool:
    """Write the audit's ``run.json``; a complete audit becomes ``latest``. True if complete."""
    record: dict[str, Any] = {
        "tool_id": tool_id,
        "started_at": started_at,
        "inputs": inputs,
        "context": {k: inputs.get(k) for k in ("audience", "school_level")},
        "source": "rgpd-check ci --live",
    }
    if result is not None:
        report = result.report
        record.update(
            level=report["level"],
            computed_level=report["computed_level"],
            level_label=report["level_label"],
            audited_at=report["audited_at"],
            collection=report["collection"]["status"],
        )
        if not result.collected and reason is None:
            reason = "rien n'a pu être collecté / nothing could be collected"
    record.update(status="failed" if reason else "complete", ended_at=now_iso())
    if reason:
        record["reason"] = reason
    layout.write_run(audit_dir, record)
    run = layout.read_run(audit_dir, tool_id)
    if reason is None and run is not None and run.complete:
        layout.set_latest(reports, tool_id, audit_dir.name)
        return True
    return False
