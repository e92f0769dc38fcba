"""Small synthetic catalogs and stored audits, for site tests and the build benchmark.

A fake run has exactly what the site reads (``run.json``, ``report.json``, ``report.html``
and a complete evidence manifest), so pages can be built without auditing anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rgpd_check.catalog import layout

TOOL_YAML = """\
id: {id}
name: {name}
description: Outil fictif {name} pour les tests.
vendor:
  name: {vendor}
  country: FR
  kind: company
  source: https://{id}.example/mentions
  verified_on: 2026-01-15
category: {category}
urls:
  entry: [{url}]
{documents}context:
  audience: [{audiences}]
  school_levels: [{levels}]
facts:
  - topic: hosting
    text: Hébergé en France chez un prestataire fictif.
    source: https://{id}.example/hebergement
    verified_on: 2026-01-15
  - topic: dpa
    text: Contrat de sous-traitance annoncé mais non publié.
    source: https://{id}.example/dpa
    unverified: true
{extra}"""


def write_tool(
    root: Path,
    tool_id: str,
    *,
    name: str | None = None,
    url: str | None = None,
    category: str = "quiz",
    audiences: str = "pupils-accounts",
    levels: str = "college, lycee",
    extra: str = "",
    documents: bool = True,
) -> Path:
    """One tool file; ``extra`` is appended YAML (stance, alternatives…)."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{tool_id}.yaml"
    path.write_text(
        TOOL_YAML.format(
            id=tool_id,
            name=name or tool_id.replace("-", " ").title(),
            vendor=f"Éditeur {tool_id}",
            category=category,
            url=url or f"https://{tool_id}.example/",
            audiences=audiences,
            levels=levels,
            extra=extra,
            documents=(
                f"  documents:\n    - {{type: privacy_policy, url: https://{tool_id}.example/c}}\n"
                if documents
                else ""
            ),
        ),
        encoding="utf-8",
    )
    return path


def fake_report(tool_id: str, level: str, audited_at: str) -> dict[str, Any]:
    findings = [
        {
            "rule": "HOST-001",
            "family": "hosting",
            "kind": "risk",
            "severity": "major",
            "result": "match" if level in ("deconseille", "a-proscrire") else "no_match",
            "title": "Serveurs hors de l'EEE",
        },
        {
            "rule": "TRK-001",
            "family": "trackers",
            "kind": "risk",
            "severity": "major",
            "result": "unknown",
            "title": "Traceurs publicitaires",
        },
    ]
    return {
        "tool": {"id": tool_id, "name": tool_id, "urls": [f"https://{tool_id}.example/"]},
        "audited_at": audited_at,
        "level": level,
        "computed_level": level,
        "level_label": level,
        "reasons": [{"rule": "HOST-001", "title": "Serveurs hors de l'EEE", "effect": "decisive"}]
        if level in ("deconseille", "a-proscrire")
        else [],
        "actions": ["Ne pas saisir le nom complet des élèves."],
        "findings": findings,
        "summary": {
            "hosting_countries": ["FR"] if level == "recommande" else ["US"],
            "hosting_providers": ["Exemple Cloud"],
            "third_party_domains": ["cdn.example"],
            "tracker_domains": [],
            "documents": [{"type": "privacy_policy", "url": f"https://{tool_id}.example/c"}],
        },
        "collection": {"complete": True, "status": "complete"},
    }


def fake_run(
    reports: Path,
    tool_id: str,
    level: str,
    started_at: str = "2026-03-02T10:00:00Z",
    *,
    status: str = "complete",
    make_latest: bool = True,
    inputs: dict[str, Any] | None = None,
) -> Path:
    """A stored audit as the batch would leave it."""
    stamp = started_at.replace("-", "").replace(":", "")
    run_dir = layout.tool_dir(reports, tool_id) / stamp
    (run_dir / "evidence").mkdir(parents=True, exist_ok=True)
    (run_dir / "evidence" / "manifest.json").write_text(
        json.dumps({"status": "complete"}), encoding="utf-8"
    )
    report = fake_report(tool_id, level, started_at)
    (run_dir / "report.json").write_text(json.dumps(report), encoding="utf-8")
    (run_dir / "report.html").write_text(
        "<!doctype html><html lang=fr><title>r</title><section id=family-hosting></section>",
        encoding="utf-8",
    )
    record: dict[str, Any] = {
        "tool_id": tool_id,
        "status": status,
        "started_at": started_at,
        "ended_at": started_at,
        "level": level,
        "computed_level": level,
        "inputs": inputs or {},
    }
    if status == "failed":
        record["reason"] = "rien n'a pu être collecté / nothing could be collected"
    layout.write_run(run_dir, record)
    if make_latest and status == "complete":
        layout.set_latest(reports, tool_id, run_dir.name)
    return run_dir
