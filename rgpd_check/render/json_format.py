"""The report as JSON: the published schema, byte-stable for the same report."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rgpd_check.render.interface import Renderer
from rgpd_check.schemas import REPORT_SCHEMA, load_schema


def _sorted(value: Any) -> Any:
    """Nested objects with sorted keys, so two runs of the same audit diff cleanly."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _ordered(report: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in the schema's order (readers look for ``level`` near the top)."""
    order = list(load_schema(REPORT_SCHEMA)["properties"])
    rank = {key: index for index, key in enumerate(order)}
    keys = sorted(report, key=lambda k: (rank.get(k, len(rank)), k))
    return {key: _sorted(report[key]) for key in keys}


class JsonRenderer(Renderer):
    """Pretty UTF-8 JSON of the report dict as is; nested keys sorted for stable diffs."""

    name: ClassVar[str] = "json"
    extension: ClassVar[str] = "json"

    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """The JSON text (``lang`` is ignored: the report already carries its language)."""
        return json.dumps(_ordered(report), ensure_ascii=False, indent=2) + "\n"
