"""The JSON renderer publishes the report as is, validated and byte-stable."""

from __future__ import annotations

import json
from typing import Any

from rgpd_check.render.json_format import JsonRenderer
from rgpd_check.schemas import report_errors


def test_round_trips_and_validates(any_report: dict[str, Any]) -> None:
    text = JsonRenderer().render(any_report, lang="fr")
    back = json.loads(text)
    assert back == any_report
    assert report_errors(back) == []


def test_utf8_pretty_and_newline(report: dict[str, Any]) -> None:
    text = JsonRenderer().render(report, lang="fr")
    assert "Déconseillé" in text and "\\u00e9" not in text
    assert text.startswith("{\n  ")
    assert text.endswith("}\n")


def test_top_level_keys_follow_the_schema(report: dict[str, Any]) -> None:
    keys = list(json.loads(JsonRenderer().render(report, lang="fr")))
    assert keys[:4] == ["$schema", "schema_version", "rgpd_check_version", "rules_version"]
    assert keys.index("level") < keys.index("findings") < keys.index("facts")


def test_same_report_same_bytes_whatever_the_insertion_order(report: dict[str, Any]) -> None:
    shuffled = {key: report[key] for key in reversed(list(report))}
    shuffled["findings"] = [dict(reversed(list(f.items()))) for f in report["findings"]]
    renderer = JsonRenderer()
    assert renderer.render(shuffled, lang="fr") == renderer.render(report, lang="en")


def test_list_order_is_kept(report: dict[str, Any]) -> None:
    """Lists carry meaning (reasons, actions): only object keys are sorted."""
    back = json.loads(JsonRenderer().render(report, lang="fr"))
    assert [r["rule"] for r in back["reasons"]] == [r["rule"] for r in report["reasons"]]
