"""Gather the evidence behind a finding from the facts document.

Facts derived from evidence carry an ``evidence`` list of refs; document signals carry
``quotes``. For every cited value we take the nearest ``evidence`` list on the value or
an ancestor, plus the quotes of any signal on the way, so a finding points back to WARC
records and document excerpts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rgpd_check.facts.paths import Resolver

MAX_REFS = 25
MAX_FACTS = 50
MAX_VALUE_CHARS = 1000


@dataclass
class Gathered:
    evidence: list[dict[str, Any]] = field(default_factory=list)
    truncated: int = 0
    facts: dict[str, Any] = field(default_factory=dict)


def quote_ref(quote: dict[str, Any]) -> dict[str, Any]:
    """A signal quote ``{text, start, end, url}`` as an evidence ref of type document."""
    ref: dict[str, Any] = {"type": "document"}
    if "url" in quote:
        ref["url"] = quote["url"]
    ref["quote"] = quote.get("text", "")
    for key in ("start", "end"):
        if key in quote:
            ref[key] = quote[key]
    return ref


def _chain(facts: Any, parts: tuple[str, ...]) -> list[Any]:
    """Nodes from the root down to the value at the concrete path ``parts``."""
    nodes = [facts]
    node = facts
    for segment in parts:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            break
        nodes.append(node)
    return nodes


def refs_for(facts: Any, parts: tuple[str, ...]) -> list[dict[str, Any]]:
    """Refs for one concrete value: signal quotes on the way up, then the nearest list."""
    refs: list[dict[str, Any]] = []
    for node in reversed(_chain(facts, parts)):
        if not isinstance(node, dict):
            continue
        quotes = node.get("quotes")
        if isinstance(quotes, list):
            refs.extend(quote_ref(q) for q in quotes if isinstance(q, dict))
        evidence = node.get("evidence")
        if isinstance(evidence, list):
            refs.extend(dict(ref) for ref in evidence if isinstance(ref, dict))
            break
    return refs


def _strip(value: Any) -> Any:
    """A cited value without its evidence and quotes (they are listed as refs)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("evidence", "quotes")}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def cap_value(value: Any, limit: int = MAX_VALUE_CHARS) -> Any:
    """Keep a cited value readable: long lists are cut with a marker, other values previewed."""
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


def _key(ref: dict[str, Any]) -> str:
    return json.dumps(ref, sort_keys=True, ensure_ascii=False, default=str)


def _copy(value: Any) -> Any:
    """A fresh copy of JSON-shaped data, so findings never share a mutable cited value."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class Citations:
    """What ``gather`` derives from one facts document, computed once per concrete value.

    Many rules cite the same facts; one evaluation of a rule set shares one ``Citations``
    (and its :class:`Resolver`). The document must not change while it is in use.
    """

    def __init__(self, facts: dict[str, Any], resolver: Resolver | None = None) -> None:
        self.facts = facts
        self.resolver = resolver if resolver is not None else Resolver(facts)
        self._values: dict[tuple[str, ...], Any] = {}
        self._refs: dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]] = {}

    def value(self, parts: tuple[str, ...], raw: Any) -> Any:
        """The cited (stripped, capped) value; a fresh copy on every call."""
        if parts not in self._values:
            self._values[parts] = cap_value(_strip(raw))
        return _copy(self._values[parts])

    def refs(self, parts: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        """``(dedup key, ref)`` pairs; the refs are shared, copy them before handing out."""
        keyed = self._refs.get(parts)
        if keyed is None:
            keyed = self._refs[parts] = [(_key(ref), ref) for ref in refs_for(self.facts, parts)]
        return keyed


def gather(
    facts: dict[str, Any], paths: Iterable[str], citations: Citations | None = None
) -> Gathered:
    """Evidence refs (deduplicated, capped) and cited values (by concrete path) for ``paths``.

    ``citations`` (built on the same ``facts``) shares the work across the rules of one
    evaluation; the result is the same with or without it.
    """
    cache = citations if citations is not None else Citations(facts)
    gathered = Gathered()
    seen: set[str] = set()
    for path in dict.fromkeys(paths):
        for hit in cache.resolver.resolve(path).found:
            if hit.path not in gathered.facts and len(gathered.facts) < MAX_FACTS:
                gathered.facts[hit.path] = cache.value(hit.parts, hit.value)
            for key, ref in cache.refs(hit.parts):
                if key in seen:
                    continue
                seen.add(key)
                if len(gathered.evidence) < MAX_REFS:
                    gathered.evidence.append(dict(ref))
                else:
                    gathered.truncated += 1
    return gathered


def cited_paths(evidence: Sequence[str], leaf_paths: Sequence[str]) -> list[str]:
    """The rule's evidence paths first, then the paths its condition reads."""
    return list(dict.fromkeys([*evidence, *leaf_paths]))
