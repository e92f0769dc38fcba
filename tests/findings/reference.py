"""The evidence gathering as it was first written: every path walked, every cited value
stripped and capped on every use, refs deduplicated on their JSON text. Tests compare the
cached, faster gathering of ``rgpd_check.findings`` with it."""

from __future__ import annotations

import json
from typing import Any

from rgpd_check.facts.paths import resolve
from rgpd_check.findings import Gathered, refs_for
from rgpd_check.findings.evidence import MAX_FACTS, MAX_REFS


def strip_reference(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_reference(v) for k, v in value.items() if k not in ("evidence", "quotes")}
    if isinstance(value, list):
        return [strip_reference(item) for item in value]
    return value


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def reference_cap(value: Any, limit: int = 1000) -> Any:
    if _size(value) <= limit:
        return value
    if isinstance(value, list):
        kept: list[Any] = []
        for item in value:
            if _size([*kept, item]) > limit:
                break
            kept.append(item)
        return [*kept, f"… ({len(value) - len(kept)} more)"]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:limit] + "…"


def reference_gather(facts: dict[str, Any], paths: list[str]) -> Gathered:
    gathered = Gathered()
    seen: set[str] = set()
    for path in dict.fromkeys(paths):
        for hit in resolve(facts, path).found:
            if hit.path not in gathered.facts and len(gathered.facts) < MAX_FACTS:
                gathered.facts[hit.path] = reference_cap(strip_reference(hit.value))
            for ref in refs_for(facts, hit.parts):
                key = json.dumps(ref, sort_keys=True, ensure_ascii=False, default=str)
                if key in seen:
                    continue
                seen.add(key)
                if len(gathered.evidence) < MAX_REFS:
                    gathered.evidence.append(ref)
                else:
                    gathered.truncated += 1
    return gathered
