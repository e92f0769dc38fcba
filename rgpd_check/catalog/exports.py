"""Machine-readable exports of the website: ``tools.json`` and ``tools.csv``."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

EXPORT_VERSION = 1
CSV_COLUMNS = (
    "id",
    "name",
    "vendor",
    "vendor_country",
    "vendor_note",
    "category",
    "audiences",
    "school_levels",
    "level",
    "level_label",
    "computed_level",
    "audited_at",
    "stance_who",
    "stance_level",
    "stance_source",
    "academy_level",
    "academy_conditions",
    "alternatives",
    "page",
    "report",
)


def _export_tool(tool: dict[str, Any]) -> dict[str, Any]:
    stance = tool["stance"]
    approval = tool["approval"]
    return {
        "id": tool["id"],
        "name": tool["name"],
        "description": tool["description"],
        "vendor": {k: tool["vendor"][k] for k in ("name", "country", "kind", "source", "note")},
        "category": tool["category"],
        "audiences": tool["audiences"],
        "school_levels": tool["school_levels"],
        "level": tool["level"],
        "level_label": tool["level_label"],
        "computed_level": tool["computed_level"],
        "audited_at": tool["audited_at"],
        "stance": {k: stance[k] for k in ("who", "what", "source", "date", "level")}
        if stance
        else None,
        "academy": {
            k: approval[k]
            for k in ("accepted_level", "conditions", "approved_by", "approved_on", "review_by")
        }
        if approval
        else None,
        "facts": [
            {"topic": group["topic"], **item}
            for group in tool["facts_by_topic"]
            for item in group["items"]
        ],
        "alternatives": tool["alternative_ids"],
        "history": [
            {k: h[k] for k in ("run", "started_at", "status", "level")} for h in tool["history"]
        ],
        "page": tool["page"],
        "report": tool["report_href"],
    }


def tools_json(tools: list[dict[str, Any]], generated_at: str) -> str:
    payload = {
        "export_version": EXPORT_VERSION,
        "generated_at": generated_at,
        "tools": [_export_tool(t) for t in tools],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to spreadsheets: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def tools_csv(tools: list[dict[str, Any]]) -> str:
    """UTF-8 CSV with a BOM (spreadsheets then read accents correctly), one tool per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for tool in tools:
        stance = tool["stance"] or {}
        approval = tool["approval"] or {}
        row = [
            tool["id"],
            tool["name"],
            tool["vendor"]["name"],
            tool["vendor"]["country"],
            tool["vendor"]["note"],
            tool["category"],
            " ".join(tool["audiences"]),
            " ".join(tool["school_levels"]),
            tool["level"],
            tool["level_label"],
            tool["computed_level"],
            tool["audited_at"],
            stance.get("who"),
            stance.get("level"),
            stance.get("source"),
            approval.get("accepted_level"),
            " | ".join(approval.get("conditions") or []),
            " ".join(tool["alternative_ids"]),
            tool["page"],
            tool["report_href"],
        ]
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
