"""What the website shows, as plain data: catalog entries joined with their audits.

Pure: reads the catalog, the reports folder (``run.json`` of every run, ``report.json`` of
the latest) and the approved list; writes nothing. The level shown is the official stance's
when the catalog has one (the computed level stays beside it), else the latest audit's
computed level, else "pas encore audité".
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rgpd_check.catalog import layout
from rgpd_check.catalog.approved_view import Approval
from rgpd_check.catalog.model import Catalog, Sourced, Tool
from rgpd_check.catalog.theme import SiteTheme
from rgpd_check.catalog.vocabulary import (
    AUDIENCES,
    CATEGORIES,
    FACT_TOPICS,
    SCHOOL_LEVELS,
    VENDOR_KINDS,
)
from rgpd_check.classify import LevelPolicy

NOT_AUDITED = "non-audite"
SITE_LEVELS = ("recommande", "precautions", "deconseille", "a-proscrire", "a-verifier", NOT_AUDITED)
KEY_FAMILIES = ("hosting", "dpa", "minors", "trackers")
_TOPIC_FAMILY = {"hosting": "hosting", "dpa": "dpa", "minors": "minors", "ads": "trackers"}


@dataclass
class Labels:
    """Every label the pages print, in the site's language."""

    policy: LevelPolicy
    theme: SiteTheme

    def level(self, level: str) -> str:
        if level == NOT_AUDITED:
            return self.theme.t("level.not_audited")
        return self.policy.label(level, self.theme.lang)

    def __call__(self, kind: str, key: str) -> str:
        """``label(kind, key)``: the signature the report theme's partials call."""
        if kind == "level":
            return self.level(key)
        tables = {
            "category": CATEGORIES,
            "audience": AUDIENCES,
            "school_level": SCHOOL_LEVELS,
            "topic": FACT_TOPICS,
            "vendor_kind": VENDOR_KINDS,
        }
        if kind in tables:
            entry = tables[kind].get(key)
            return entry[self.theme.lang] if entry else key
        if kind == "family":
            return self.theme.t(f"family.{key}")
        return key


@dataclass
class SiteData:
    tools: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports_to_copy: list[tuple[Path, str]] = field(default_factory=list)
    unknown_approvals: list[str] = field(default_factory=list)


def _sourced(item: Sourced) -> dict[str, Any]:
    return {
        "source": item.source,
        "verified_on": item.verified_on,
        "unverified": item.unverified,
        "note": item.note,
    }


def _read_report(run: layout.RunInfo) -> dict[str, Any] | None:
    try:
        report = json.loads((run.path / layout.REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def _key_facts(report: dict[str, Any], report_href: str) -> dict[str, Any]:
    summary = report.get("summary") or {}
    findings = [f for f in report.get("findings") or [] if isinstance(f, dict)]
    doc_types = sorted({str(d.get("type")) for d in summary.get("documents") or []})

    def matched(family: str, kind: str) -> list[str]:
        return [
            str(f.get("title"))
            for f in findings
            if f.get("family") == family and f.get("kind") == kind and f.get("result") == "match"
        ]

    def unknown(family: str) -> int:
        return sum(
            1 for f in findings if f.get("family") == family and f.get("result") == "unknown"
        )

    return {
        family: {
            "href": f"{report_href}#family-{family}",
            "risks": matched(family, "risk"),
            "safeguards": matched(family, "safeguard"),
            "unknown": unknown(family),
        }
        | extra
        for family, extra in (
            (
                "hosting",
                {
                    "countries": list(summary.get("hosting_countries") or []),
                    "providers": list(summary.get("hosting_providers") or []),
                },
            ),
            ("dpa", {"documents": doc_types}),
            ("minors", {}),
            (
                "trackers",
                {
                    "trackers": list(summary.get("tracker_domains") or []),
                    "third_parties": list(summary.get("third_party_domains") or []),
                },
            ),
        )
    }


def _tool_view(
    tool: Tool, reports: Path | None, labels: Labels, approval: Approval | None
) -> tuple[dict[str, Any], list[tuple[Path, str]]]:
    copies: list[tuple[Path, str]] = []
    history: list[dict[str, Any]] = []
    latest = None
    all_runs: list[layout.RunInfo] = []
    if reports is not None:
        all_runs = layout.runs(reports, tool.id)
        latest = layout.latest_among(reports, tool.id, all_runs)
    for run in all_runs:
        href = None
        if run.complete:
            href = f"rapports/{tool.id}/{run.name}/report.html"
            copies.append((run.path, f"rapports/{tool.id}/{run.name}"))
        history.append(
            {
                "run": run.name,
                "started_at": run.started_at,
                "day": run.started_at[:10],
                "status": run.status,
                "level": run.level if run.complete else None,
                "level_label": labels.level(run.level) if run.complete and run.level else None,
                "computed_level": run.data.get("computed_level") if run.complete else None,
                "reason": run.data.get("reason"),
                "href": href,
                "is_latest": latest is not None and run.name == latest.name,
            }
        )
    report = _read_report(latest) if latest else None
    if latest is not None and report is None:
        latest = None
    computed = str(report.get("computed_level")) if report else None
    stance = tool.stance
    level = stance.level if stance else (computed or NOT_AUDITED)
    report_href = f"rapports/{tool.id}/{latest.name}/report.html" if latest else None
    failed_after = [h for h in history if h["status"] == "failed"]
    last_failure = failed_after[-1] if failed_after else None
    if last_failure and latest and last_failure["started_at"] < latest.started_at:
        last_failure = None
    facts_by_topic = [
        {
            "topic": topic,
            "label": labels("topic", topic),
            "family": _TOPIC_FAMILY.get(topic),
            "items": [
                {"text": f.text, **_sourced(f.provenance)} for f in tool.facts if f.topic == topic
            ],
        }
        for topic in FACT_TOPICS
        if any(f.topic == topic for f in tool.facts)
    ]
    matched_rules = sorted(
        {
            str(f.get("rule"))
            for f in (report or {}).get("findings") or []
            if isinstance(f, dict) and f.get("result") == "match" and f.get("kind") == "risk"
        }
    )
    view: dict[str, Any] = {
        "id": tool.id,
        "name": tool.name,
        "aliases": list(tool.aliases),
        "description": tool.description,
        "vendor": {
            "name": tool.vendor.name,
            "country": tool.vendor.country,
            "kind": tool.vendor.kind,
            "kind_label": labels("vendor_kind", tool.vendor.kind) if tool.vendor.kind else None,
            "note": tool.vendor.note,
            **_sourced(tool.vendor.provenance),
        },
        "category": tool.category,
        "category_label": labels("category", tool.category),
        "audiences": list(tool.context.audience),
        "audience_labels": [labels("audience", a) for a in tool.context.audience],
        "school_levels": list(tool.context.school_levels),
        "school_level_labels": [labels("school_level", s) for s in tool.context.school_levels],
        "context_note": tool.context.note,
        "audit_context": {
            "audience": tool.context.audit_audience,
            "audience_label": labels("audience", tool.context.audit_audience),
            "school_level": tool.context.audit_school_level,
            "school_level_label": labels("school_level", tool.context.audit_school_level),
            "narrowed": tool.context.narrowed,
        },
        "urls": list(tool.entry_urls),
        "documents": [{"type": d.type, "url": d.url} for d in tool.documents],
        "level": level,
        "level_label": labels.level(level),
        "computed_level": computed,
        "computed_label": labels.level(computed) if computed else None,
        "audited": report is not None,
        "audited_at": str(report.get("audited_at")) if report else None,
        "audited_day": str(report.get("audited_at"))[:10] if report else None,
        "collection": (report.get("collection") or {}).get("status") if report else None,
        "stance": {
            "who": stance.who,
            "what": stance.what,
            "source": stance.source,
            "date": stance.date,
            "level": stance.level,
            "level_label": labels.level(stance.level),
            "unverified": stance.unverified,
            "verified_on": stance.verified_on,
        }
        if stance
        else None,
        "approval": _approval_view(approval, labels) if approval else None,
        "reasons": [
            {"title": str(r.get("title")), "effect": r.get("effect"), "rule": r.get("rule")}
            for r in (report or {}).get("reasons") or []
            if isinstance(r, dict)
        ],
        "actions": [str(a) for a in (report or {}).get("actions") or []],
        "key_facts": _key_facts(report, report_href or "") if report else None,
        "facts_by_topic": facts_by_topic,
        "alternative_ids": list(tool.alternatives),
        "alternatives": [],
        "history": history,
        "last_failure": last_failure,
        "report_href": report_href,
        "report_json_href": report_href.replace("report.html", "report.json")
        if report_href
        else None,
        "page": f"outils/{tool.id}.html",
        "matched_rules": matched_rules,
    }
    view["search"] = fold(
        " ".join(
            [
                tool.name,
                *tool.aliases,
                tool.vendor.name,
                view["category_label"],
                tool.description or "",
                view["level_label"],
            ]
        )
    )
    return view, copies


def fold(text: str) -> str:
    """Lower case without accents: what the search box compares (the script folds the same way)."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def _approval_view(approval: Approval, labels: Labels) -> dict[str, Any]:
    return {
        "accepted_level": approval.accepted_level,
        "accepted_label": labels.level(approval.accepted_level),
        "conditions": list(approval.conditions),
        "approved_by": approval.approved_by,
        "approved_on": approval.approved_on,
        "review_by": approval.review_by,
        "review_overdue": approval.review_overdue(),
    }


def build_site_data(
    catalog: Catalog,
    reports: Path | None,
    labels: Labels,
    approvals: dict[str, Approval] | None = None,
) -> SiteData:
    """Every tool's view, alternatives resolved, in catalog (alphabetical) order."""
    approvals = approvals or {}
    data = SiteData()
    for tool in sorted(catalog.tools, key=lambda t: t.name.lower()):
        view, copies = _tool_view(tool, reports, labels, approvals.get(tool.id))
        data.tools.append(view)
        data.reports_to_copy.extend(copies)
    data.by_id = {t["id"]: t for t in data.tools}
    for view in data.tools:
        view["alternatives"] = [
            {
                "id": other["id"],
                "name": other["name"],
                "level": other["level"],
                "level_label": other["level_label"],
                "page": other["page"],
            }
            for other in (data.by_id[i] for i in view["alternative_ids"] if i in data.by_id)
        ]
    data.unknown_approvals = sorted(set(approvals) - set(data.by_id))
    return data
