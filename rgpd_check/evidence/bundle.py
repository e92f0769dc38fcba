"""The evidence bundle on disk: ``DIR/evidence/``.

Layout (bundle format 1):
- ``http.warc.gz``  every HTTP exchange, robots.txt included (gzip per record, flushed);
- ``dns.jsonl``     every DNS question and answer with its time and resolver;
- ``events.jsonl``  what could not be collected and why, robots refusals, notes;
- ``files/``        other captures (IP-data answers, screenshots) added by later collectors;
- ``manifest.json`` written ``in_progress`` at start and ``complete`` at the end, with the
  SHA-256 of every file, versions, times, the command line and what was not collected.

A killed audit leaves an ``in_progress`` manifest: ``verify`` calls it incomplete, and every
record written so far stays readable. A new audit into the same folder first moves the old
bundle aside (``evidence.previous-<time>``) instead of overwriting it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rgpd_check import __version__
from rgpd_check.errors import BundleError
from rgpd_check.evidence.atomic import write_atomic
from rgpd_check.evidence.jsonl import JsonlLog, read_jsonl
from rgpd_check.evidence.warc import HttpRecord, WarcLog, read_responses

BUNDLE_FORMAT = 1
EVIDENCE_DIRNAME = "evidence"
MANIFEST = "manifest.json"
HTTP_WARC = "http.warc.gz"
DNS_LOG = "dns.jsonl"
EVENTS_LOG = "events.jsonl"
FILES_DIR = "files"


def now_iso() -> str:
    """UTC timestamp used everywhere in evidence."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class BundleWriter:
    """Collectors write through this; it owns the files of one bundle."""

    def __init__(self, audit_dir: Path, audit: dict[str, Any], command_line: list[str]) -> None:
        self.root = audit_dir / EVIDENCE_DIRNAME
        if self.root.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            self.root.rename(audit_dir / f"{EVIDENCE_DIRNAME}.previous-{stamp}")
        self.root.mkdir(parents=True)
        (self.root / FILES_DIR).mkdir()
        self.manifest: dict[str, Any] = {
            "bundle_format": BUNDLE_FORMAT,
            "rgpd_check_version": __version__,
            "status": "in_progress",
            "started_at": now_iso(),
            "ended_at": None,
            "command_line": command_line,
            "audit": audit,
            "files": [],
            "not_collected": [],
        }
        self._write_manifest()
        self.http = WarcLog(self.root / HTTP_WARC)
        self.dns = JsonlLog(self.root / DNS_LOG)
        self.events = JsonlLog(self.root / EVENTS_LOG)
        self._logs: dict[str, JsonlLog] = {}

    def log(self, name: str) -> JsonlLog:
        """Another JSON Lines log of this bundle (``ipdata.jsonl``, ``browser.jsonl``…)."""
        if name not in self._logs:
            if "/" in name or not name.endswith(".jsonl") or name in (DNS_LOG, EVENTS_LOG):
                raise ValueError(f"invalid log name {name!r}")
            self._logs[name] = JsonlLog(self.root / name)
        return self._logs[name]

    def event(self, kind: str, **details: Any) -> None:
        """Record something about collection: a failure, a refusal, a skipped URL."""
        self.events.write({"kind": kind, "at": now_iso(), **details})

    def add_file(self, name: str, data: bytes | str) -> Path:
        """Store another capture (screenshot, IP-data answer) under ``files/``."""
        target = self.root / FILES_DIR / name
        if target.resolve().parent != (self.root / FILES_DIR).resolve():
            raise ValueError(f"invalid evidence file name {name!r}")
        write_atomic(target, data)
        return target

    def close(self, *, status: str, not_collected: list[dict[str, Any]], **extra: Any) -> None:
        """Finish: hash every file and write the final manifest (atomically)."""
        self.http.close()
        for log in (self.dns, self.events, *self._logs.values()):
            log.close()
        self.manifest.update(extra)
        self.manifest["status"] = status
        self.manifest["ended_at"] = now_iso()
        self.manifest["not_collected"] = not_collected
        self.manifest["files"] = [
            {
                "path": path,
                "sha256": sha256_file(self.root / path),
                "size": (self.root / path).stat().st_size,
            }
            for path in _bundle_files(self.root)
        ]
        self._write_manifest()

    def _write_manifest(self) -> None:
        write_atomic(self.root / MANIFEST, json.dumps(self.manifest, indent=2, ensure_ascii=False))


def _bundle_files(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and path.name != MANIFEST and not path.name.startswith(".")
    )


@dataclass
class Bundle:
    """Read-only view of a stored bundle: what ``analyze`` works from."""

    root: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, audit_dir: Path) -> Bundle:
        """Open ``audit_dir/evidence`` (or ``audit_dir`` if it is the evidence folder)."""
        root = audit_dir if (audit_dir / MANIFEST).exists() else audit_dir / EVIDENCE_DIRNAME
        manifest_path = root / MANIFEST
        if not manifest_path.exists():
            raise BundleError(
                f"{audit_dir}: aucun dossier de preuves / no evidence bundle"
                f" ({manifest_path} missing)"
            )
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise BundleError(
                f"{manifest_path}: manifeste illisible / unreadable manifest: {exc}"
            ) from None
        if not isinstance(manifest, dict):
            raise BundleError(f"{manifest_path}: manifeste invalide / invalid manifest")
        return cls(root=root, manifest=manifest)

    @property
    def audit(self) -> dict[str, Any]:
        audit: dict[str, Any] = self.manifest.get("audit") or {}
        return audit

    def http_records(self) -> Iterator[HttpRecord]:
        return read_responses(self.root / HTTP_WARC)

    def dns_entries(self) -> Iterator[dict[str, Any]]:
        return read_jsonl(self.root / DNS_LOG)

    def events(self) -> Iterator[dict[str, Any]]:
        return read_jsonl(self.root / EVENTS_LOG)

    def entries(self, log_name: str) -> Iterator[dict[str, Any]]:
        """Entries of another JSON Lines log (empty when that collector did not run)."""
        return read_jsonl(self.root / log_name)

    def file(self, name: str) -> Path:
        return self.root / FILES_DIR / name
