"""Where batch audits land: ``REPORTS/<tool-id>/<timestamp>/`` plus a ``latest`` pointer.

``latest`` is a plain file holding a folder name (not a symlink: CI artifacts and zip files
keep it). A timestamp folder counts only once its ``run.json`` is written, last and
atomically: a folder without it is a run that was killed, never shown and cleaned later.
Failed attempts keep their ``run.json`` (status ``failed``) for the history but never
become ``latest``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rgpd_check.evidence.bundle import EVIDENCE_DIRNAME, MANIFEST, write_atomic

RUN_FILE = "run.json"
LATEST = "latest"
REPORT_JSON = "report.json"
LOCK_FILE = ".batch.lock"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class RunInfo:
    """One finished audit attempt of one tool, as its ``run.json`` describes it."""

    tool_id: str
    name: str
    path: Path
    status: str
    started_at: str
    ended_at: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def level(self) -> str | None:
        level = self.data.get("level")
        return str(level) if level else None

    @property
    def started(self) -> datetime:
        return parse_time(self.started_at)


def parse_time(text: str) -> datetime:
    """``2026-11-29T18:24:11Z`` (or a date) as an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def tool_dir(reports: Path, tool_id: str) -> Path:
    return reports / tool_id


def new_run_dir(reports: Path, tool_id: str, now: datetime | None = None) -> Path:
    """A fresh timestamp folder (suffixed when two runs start in the same second)."""
    stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    base = tool_dir(reports, tool_id)
    base.mkdir(parents=True, exist_ok=True)
    candidate, n = base / stamp, 1
    while candidate.exists():
        n += 1
        candidate = base / f"{stamp}-{n}"
    candidate.mkdir()
    return candidate


def write_run(run_dir: Path, data: dict[str, Any]) -> None:
    """The last write of a run: from now on the folder counts."""
    write_atomic(run_dir / RUN_FILE, json.dumps(data, indent=2, ensure_ascii=False))


def read_run(run_dir: Path, tool_id: str) -> RunInfo | None:
    """The run of a folder, or None when it is incomplete or unreadable."""
    try:
        data = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("status") not in ("complete", "failed"):
        return None
    try:
        parse_time(str(data.get("started_at")))
    except ValueError:
        return None
    status = str(data["status"])
    if status == "complete" and not _reports_complete(run_dir):
        return None
    return RunInfo(
        tool_id=tool_id,
        name=run_dir.name,
        path=run_dir,
        status=status,
        started_at=str(data["started_at"]),
        ended_at=str(data.get("ended_at") or data["started_at"]),
        data=data,
    )


def _reports_complete(run_dir: Path) -> bool:
    """The evidence was closed as complete and the report written (readers parse it later)."""
    try:
        manifest = json.loads((run_dir / EVIDENCE_DIRNAME / MANIFEST).read_text("utf-8"))
        report_size = (run_dir / REPORT_JSON).stat().st_size
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("status") == "complete" and report_size > 0


def _run_dirs(reports: Path, tool_id: str) -> list[Path]:
    base = tool_dir(reports, tool_id)
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def runs(reports: Path, tool_id: str) -> list[RunInfo]:
    """Every finished attempt (complete or failed), oldest first."""
    found = [read_run(p, tool_id) for p in _run_dirs(reports, tool_id)]
    return sorted((r for r in found if r is not None), key=lambda r: (r.started, r.name))


def incomplete_runs(reports: Path, tool_id: str) -> list[Path]:
    """Folders a killed run left behind (no valid ``run.json``)."""
    return [p for p in _run_dirs(reports, tool_id) if read_run(p, tool_id) is None]


def _pointer(reports: Path, tool_id: str) -> str:
    try:
        name = (tool_dir(reports, tool_id) / LATEST).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return name if name and "/" not in name and name not in (".", "..") else ""


def latest(reports: Path, tool_id: str) -> RunInfo | None:
    """The run ``latest`` points at when complete; else the newest complete run."""
    name = _pointer(reports, tool_id)
    if name:
        run = read_run(tool_dir(reports, tool_id) / name, tool_id)
        if run is not None and run.complete:
            return run
    complete = [r for r in runs(reports, tool_id) if r.complete]
    return complete[-1] if complete else None


def latest_among(reports: Path, tool_id: str, known: list[RunInfo]) -> RunInfo | None:
    """:func:`latest` when every run was already read (the site reads them all anyway)."""
    complete = [r for r in known if r.complete]
    name = _pointer(reports, tool_id)
    pointed = [r for r in complete if r.name == name]
    return pointed[0] if pointed else (complete[-1] if complete else None)


def set_latest(reports: Path, tool_id: str, run_name: str) -> None:
    write_atomic(tool_dir(reports, tool_id) / LATEST, run_name + "\n")


def clean_incomplete(reports: Path, tool_ids: list[str]) -> list[Path]:
    """Remove what killed runs left; only call while holding the batch lock."""
    removed = []
    for tool_id in tool_ids:
        for path in incomplete_runs(reports, tool_id):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
