"""Compare two reports of the same tool: level, findings, trackers, hosting, documents.

Reports only, never facts or evidence: a diff must work on archived ``report.json`` files,
including ones made by an older rgpd-check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rgpd_check.classify import compare_levels
from rgpd_check.diff.model import AuditDiff, DocumentChange, FindingChange, LevelChange, ListChange
from rgpd_check.errors import InputError

REPORT = "report.json"
DIRECTIONS = {-1: "better", 0: "same", 1: "worse", None: "not_comparable"}


def load_report(path: Path) -> dict[str, Any]:
    """A report from an audit folder or a ``report.json`` file (exit 2 when there is none)."""
    file = path / REPORT if path.is_dir() else path
    try:
        report = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{file}: pas de rapport / no report (report.json)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{file}: rapport illisible / unreadable report: {exc}") from None
    if not isinstance(report, dict) or "level" not in report or "findings" not in report:
        raise InputError(f"{file}: ce n’est pas un rapport rgpd-check / not an rgpd-check report")
    return report


def _level(old: str, new: str) -> LevelChange:
    return LevelChange(old, new, DIRECTIONS[compare_levels(old, new)])


def _finding_change(kind: str, old: str, new: str) -> str:
    """How a result change reads: a new risk, a resolved one, a gap, a lost safeguard…"""
    if new == "unknown":
        return "now_unknown"
    if kind == "risk":
        if new == "match":
            return "new_risk"
        return "resolved" if old == "match" else "settled"
    if new == "match":
        return "new_safeguard"
    return "lost_safeguard" if old == "match" else "safeguard_not_found"


def _findings(old: dict[str, Any], new: dict[str, Any]) -> list[FindingChange]:
    before = {f["rule"]: f for f in old.get("findings", [])}
    after = {f["rule"]: f for f in new.get("findings", [])}
    changes = []
    for rule in sorted(set(before) | set(after)):
        a, b = before.get(rule), after.get(rule)
        old_result = a.get("result") if a else None
        new_result = b.get("result") if b else None
        if old_result == new_result:
            continue
        shown = b or a or {}
        kind = str(shown.get("kind", "risk"))
        if "match" not in (old_result, new_result) and None in (old_result, new_result):
            continue  # a rule that came or went without raising anything
        rule_status = "added" if a is None else "removed" if b is None else None
        change = _finding_change(kind, old_result or "no_match", new_result or "no_match")
        changes.append(
            FindingChange(
                rule=rule,
                family=str(shown.get("family", "")),
                kind=kind,
                severity=str(shown.get("severity", "")),
                title=str(shown.get("title", "")),
                old=old_result,
                new=new_result,
                change=change,
                rule_status=rule_status,
            )
        )
    order = ["new_risk", "lost_safeguard", "now_unknown", "resolved", "new_safeguard", "settled"]
    order += ["safeguard_not_found"]
    return sorted(changes, key=lambda c: (order.index(c.change), c.rule))


def _list(old: dict[str, Any], new: dict[str, Any], key: str) -> ListChange:
    a = set((old.get("summary") or {}).get(key) or [])
    b = set((new.get("summary") or {}).get(key) or [])
    return ListChange(added=sorted(b - a), removed=sorted(a - b))


def _documents(old: dict[str, Any], new: dict[str, Any]) -> list[DocumentChange]:
    before = {d["url"]: d for d in (old.get("summary") or {}).get("documents") or []}
    after = {d["url"]: d for d in (new.get("summary") or {}).get("documents") or []}
    changes = []
    for url in sorted(set(before) | set(after)):
        a, b = before.get(url), after.get(url)
        kind = (b or a or {}).get("type")
        if a is None:
            changes.append(
                DocumentChange(kind, url, "added", None, b.get("text_hash") if b else None)
            )
        elif b is None:
            changes.append(DocumentChange(kind, url, "removed", a.get("text_hash"), None))
        elif a.get("text_hash") != b.get("text_hash"):
            same_method = a.get("text_hash_version") == b.get("text_hash_version")
            change = "changed" if same_method else "not_comparable"
            changes.append(
                DocumentChange(kind, url, change, a.get("text_hash"), b.get("text_hash"))
            )
    return changes


def _notes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """What else differs and may explain a change: tool, context, versions."""
    notes = []
    if (old.get("tool") or {}).get("id") != (new.get("tool") or {}).get("id"):
        notes.append({"kind": "other_tool", "old": _tool(old), "new": _tool(new)})
    for key in ("audience", "school_level"):
        a, b = (old.get("context") or {}).get(key), (new.get("context") or {}).get(key)
        if a != b:
            notes.append({"kind": f"context_{key}", "old": str(a), "new": str(b)})
    notes.extend(
        {"kind": key, "old": str(old.get(key)), "new": str(new.get(key))}
        for key in ("rules_version", "policy_version", "rgpd_check_version")
        if old.get(key) != new.get(key)
    )
    if bool((old.get("scope") or {}).get("browser")) != bool(
        (new.get("scope") or {}).get("browser")
    ):
        notes.append(
            {
                "kind": "browser",
                "old": str(bool(old["scope"].get("browser"))).lower(),
                "new": str(bool(new["scope"].get("browser"))).lower(),
            }
        )
    return notes


def _tool(report: dict[str, Any]) -> str:
    return str((report.get("tool") or {}).get("name") or (report.get("tool") or {}).get("id"))


def _override(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    a, b = old.get("override"), new.get("override")
    if a == b:
        return None
    return {"old": a, "new": b}


def compare(old: dict[str, Any], new: dict[str, Any]) -> AuditDiff:
    """Everything that changed from ``old`` to ``new`` (two reports of the same tool)."""
    return AuditDiff(
        tool=_tool(new),
        old_date=str(old.get("audited_at", "")),
        new_date=str(new.get("audited_at", "")),
        level=_level(str(old["level"]), str(new["level"])),
        computed_level=_level(
            str(old.get("computed_level", old["level"])),
            str(new.get("computed_level", new["level"])),
        ),
        override=_override(old, new),
        findings=_findings(old, new),
        trackers=_list(old, new, "tracker_domains"),
        third_parties=_list(old, new, "third_party_domains"),
        hosting_countries=_list(old, new, "hosting_countries"),
        hosting_providers=_list(old, new, "hosting_providers"),
        documents=_documents(old, new),
        notes=_notes(old, new),
    )
