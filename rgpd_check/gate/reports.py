"""The reports layout shared with ``catalog audit``: ``REPORTS/<tool-id>/<timestamp>/``.

``REPORTS/<tool-id>/latest`` is a plain text file naming the timestamp folder (not a symlink,
so CI artifacts keep it). Only a complete audit becomes ``latest``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rgpd_check.evidence.bundle import EVIDENCE_DIRNAME, MANIFEST, write_atomic

LATEST = "latest"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def latest_audit(reports: Path, tool_id: str) -> Path | None:
    """The folder ``latest`` points at, when it exists and holds an evidence bundle."""
    pointer = reports / tool_id / LATEST
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None
    folder = reports / tool_id / name
    if not (folder / EVIDENCE_DIRNAME / MANIFEST).is_file():
        return None
    return folder


def bundle_status(audit_dir: Path) -> str | None:
    """``complete``, ``interrupted``… as the manifest says, or None when unreadable."""
    try:
        manifest = json.loads((audit_dir / EVIDENCE_DIRNAME / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    status = manifest.get("status") if isinstance(manifest, dict) else None
    return str(status) if status is not None else None


def new_audit_dir(reports: Path, tool_id: str, now: dt.datetime | None = None) -> Path:
    """A fresh timestamp folder (suffixed when two audits start within the same second)."""
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.astimezone(dt.UTC).strftime(STAMP_FORMAT)
    base = reports / tool_id
    candidate = base / stamp
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = base / f"{stamp}-{counter}"
    candidate.mkdir(parents=True)
    return candidate


def set_latest(audit_dir: Path) -> None:
    """Point ``latest`` at ``audit_dir`` (atomically: readers never see half a name)."""
    write_atomic(audit_dir.parent / LATEST, audit_dir.name + "\n")
