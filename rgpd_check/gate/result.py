"""What the gate concludes: per tool, a status and its reasons; overall, an exit code.

Every output format (console, JUnit, Code Quality, SARIF, Markdown) is rendered from these
objects only, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rgpd_check.errors import EXIT_CHECK_FAILED, EXIT_OK
from rgpd_check.gate.model import ApprovedList, ApprovedTool

FAIL = "fail"
WARN = "warn"
INFO = "info"
SEVERITY_ORDER = (FAIL, WARN, INFO)

PASS = "pass"

# Reasons that say an evaluation could not be made at all (JUnit "error", not "failure").
ERROR_CODES = frozenset({"no-audit", "audit-failed", "no-url", "bundle-unreadable"})


@dataclass(frozen=True)
class Reason:
    """One reason for a tool's status, pointing at a line of the approved list."""

    code: str
    severity: str
    message: dict[str, str]
    line: int
    # What the reason is about (a domain, a rule id, a document): part of the fingerprint.
    subject: str = ""

    def text(self, lang: str = "fr") -> str:
        return self.message.get(lang) or self.message["fr"]

    def both(self) -> str:
        """French first, English too: CI systems show one string."""
        return f"{self.message['fr']} / {self.message['en']}"


@dataclass
class ToolResult:
    tool: ApprovedTool
    reasons: list[Reason] = field(default_factory=list)
    level: str | None = None
    level_with_waivers: str | None = None
    waived: list[str] = field(default_factory=list)
    audit_dir: Path | None = None
    audited_at: str | None = None
    seconds: float = 0.0
    # The audited tool's name when the list gives only a catalog id.
    audited_name: str | None = None

    @property
    def name(self) -> str:
        """How people know the tool: the list's name, else the audit's, else the id."""
        if self.tool.name != self.tool.id or not self.audited_name:
            return self.tool.name
        return self.audited_name

    @property
    def status(self) -> str:
        severities = {r.severity for r in self.reasons}
        if FAIL in severities:
            return FAIL
        if WARN in severities:
            return WARN
        return PASS

    def sorted_reasons(self) -> list[Reason]:
        return sorted(self.reasons, key=lambda r: (SEVERITY_ORDER.index(r.severity), r.line))


@dataclass
class GateResult:
    approved: ApprovedList
    mode: str  # "offline" or "live"
    strict: bool
    today: dt.date
    started_at: dt.datetime
    tools: list[ToolResult]
    rules_version: str | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_CHECK_FAILED if self.count(FAIL) else EXIT_OK

    def count(self, status: str) -> int:
        return sum(1 for t in self.tools if t.status == status)


def fingerprint(list_path: str, tool_id: str, reason: Reason) -> str:
    """Stable across runs and line moves: the list, the tool, the check and its subject."""
    key = "\x00".join(("rgpd-check-ci/1", list_path, tool_id, reason.code, reason.subject))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
