"""The report object: one dict, following ``schemas/report.schema.json``, that every format renders.

Built only from the bundle's manifest, the facts, the findings and the classification, so
``evaluate`` on stored evidence gives the same report as the audit did.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from pathlib import Path
from typing import Any

from rgpd_check import __version__
from rgpd_check.classify import Classification, LevelPolicy
from rgpd_check.findings import Finding
from rgpd_check.schemas import REPORT_SCHEMA_VERSION

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "outil") -> str:
    """A safe folder name and id: ``../../etc`` and ``Padlet (US)`` become plain slugs."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _SLUG_STRIP.sub("-", plain).strip("-")[:64].strip("-")
    return slug or fallback


def build_report(
    *,
    manifest: dict[str, Any],
    facts: dict[str, Any],
    findings: list[Finding],
    classification: Classification,
    rules_version: str,
    replaced: list[dict[str, str]],
    policy: LevelPolicy,
    lang: str,
    context: dict[str, Any],
    bundle_files: list[dict[str, Any]],
    manifest_sha256: str | None,
    screenshots: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Assemble the report dict (validated against the schema by the tests)."""
    audit = manifest.get("audit") or {}
    tool = audit.get("tool") or {}
    crawl = facts.get("crawl") or {}
    documents = facts.get("documents") or {}
    hosting = facts.get("hosting") or {}
    trackers = facts.get("trackers") or {}
    not_collected = list(manifest.get("not_collected") or [])
    status = (
        "complete"
        if crawl.get("complete")
        else ("partial" if crawl.get("entry_reachable") else "failed")
    )
    items = documents.get("items", [])
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "rgpd_check_version": __version__,
        "rules_version": rules_version,
        "policy_version": policy.version,
        "audited_at": str(manifest.get("started_at")),
        "lang": lang,
        "tool": {
            "id": str(tool.get("id")),
            "name": str(tool.get("name")),
            "urls": list(tool.get("urls", [])),
            "vendor": tool.get("vendor"),
        },
        "scope": {
            "public_pages_only": not audit.get("authenticated", False),
            "browser": bool(audit.get("browser", False)),
            "browser_mode": audit.get("browser_mode"),
            "authenticated": bool(audit.get("authenticated", False)),
            "pages_examined": int(crawl.get("pages_fetched", 0)),
            "requests": int(crawl.get("requests", 0)),
            "documents_read": [
                {"type": i["type"], "url": i["url"]} for i in items if "text_hash" in i
            ],
            "documents_not_read": [
                {"url": str(f.get("url")), "reason": str(f.get("reason")), "type": f.get("type")}
                for f in crawl.get("failures", [])
                if f.get("purpose") in ("document", "entry")
            ]
            + [
                {"url": i["url"], "reason": str(i.get("read_error")), "type": i["type"]}
                for i in items
                if "text_hash" not in i
            ],
            "ip_data_sources": list(hosting.get("ip_sources", [])),
        },
        "context": {**context},
        "level": classification.level,
        "computed_level": classification.computed_level,
        "level_label": policy.label(classification.level, lang),
        "override": classification.override,
        "reasons": classification.reasons,
        "actions": classification.actions,
        "findings": [f.to_dict(lang) for f in findings],
        "replaced_rules": replaced,
        "summary": {
            "hosting_countries": list(hosting.get("tool_countries", [])),
            "hosting_providers": list(hosting.get("tool_providers", [])),
            "third_party_domains": list(trackers.get("third_party_domains", [])),
            "tracker_domains": sorted(
                {h for k in trackers.get("known", []) for h in k.get("hosts", [])}
            ),
            "documents": [
                {
                    "type": i["type"],
                    "url": i["url"],
                    "text_hash": i["text_hash"],
                    "text_hash_version": i["text_hash_version"],
                }
                for i in items
                if "text_hash" in i
            ],
        },
        "collection": {
            "complete": bool(crawl.get("complete")),
            "status": status,
            "failures": list(crawl.get("failures", [])),
            "not_collected": not_collected,
        },
        "evidence_bundle": {
            "path": "evidence",
            "manifest_sha256": manifest_sha256,
            "files": bundle_files,
            **({"screenshots": screenshots} if screenshots else {}),
        },
        "facts": facts,
    }


SCREENSHOT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_SCREENSHOT_BYTES = 1_500_000
MAX_SCREENSHOTS = 4


def bundle_screenshots(root: Path, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Screenshots of the bundle, inlined so the HTML report shows them without any request.

    Only images the manifest lists (with their hash) and of reasonable size; the bundle keeps
    the originals either way.
    """
    shots: list[dict[str, Any]] = []
    for entry in files:
        path = str(entry.get("path", ""))
        media = SCREENSHOT_TYPES.get(Path(path).suffix.lower())
        if not path.startswith("files/") or media is None or len(shots) >= MAX_SCREENSHOTS:
            continue
        size = entry.get("size")
        if not isinstance(size, int) or size > MAX_SCREENSHOT_BYTES:
            continue
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue
        shots.append(
            {
                "path": path,
                "sha256": entry.get("sha256"),
                "media_type": media,
                "data_base64": base64.b64encode(data).decode("ascii"),
            }
        )
    return shots
