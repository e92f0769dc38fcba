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

# What ``json.dumps(..., ensure_ascii=False, default=str)`` builds on every call, built once.
_VALUE_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


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


def _sources(facts: Any, parts: tuple[str, ...]) -> list[tuple[bool, dict[str, Any]]]:
    """``(is_quote, dict)`` behind each ref of one value, in ref order (see ``refs_for``)."""
    sources: list[tuple[bool, dict[str, Any]]] = []
    for node in reversed(_chain(facts, parts)):
        if not isinstance(node, dict):
            continue
        quotes = node.get("quotes")
        if isinstance(quotes, list):
            sources.extend((True, q) for q in quotes if isinstance(q, dict))
        evidence = node.get("evidence")
        if isinstance(evidence, list):
            sources.extend((False, ref) for ref in evidence if isinstance(ref, dict))
            break
    return sources


def _ref(is_quote: bool, source: dict[str, Any]) -> dict[str, Any]:
    return quote_ref(source) if is_quote else dict(source)


def refs_for(facts: Any, parts: tuple[str, ...]) -> list[dict[str, Any]]:
    """Refs for one concrete value: signal quotes on the way up, then the nearest list."""
    return [_ref(is_quote, source) for is_quote, source in _sources(facts, parts)]


def _strip(value: Any) -> Any:
    """A cited value without its evidence and quotes (they are listed as refs)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("evidence", "quotes")}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _json(value: Any) -> str:
    return _VALUE_ENCODER.encode(value)


def _size(value: Any) -> int:
    return len(_json(value))


def _cap_list(value: list[Any], limit: int) -> list[Any]:
    """Longest prefix whose JSON fits; each item is encoded once (``[a, b]``: ``, `` between)."""
    size = 2  # "[]"
    for index, item in enumerate(value):
        size += _size(item) + (2 if index else 0)
        if size > limit:
            return [*value[:index], f"… ({len(value) - index} more)"]
    return value if size <= limit else [f"… ({len(value)} more)"]


def cap_value(value: Any, limit: int = MAX_VALUE_CHARS) -> Any:
    """Keep a cited value readable: long lists are cut with a marker, other values previewed."""
    if isinstance(value, list):
        return _cap_list(value, limit)
    text = _json(value)
    if len(text) <= limit:
        return value
    return (value if isinstance(value, str) else text)[:limit] + "…"


def _key(ref: dict[str, Any]) -> str:
    return _KEY_ENCODER.encode(ref)


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
        # By (is_quote, id of the source dict in ``facts``): many values share ancestors.
        self._keyed: dict[tuple[bool, int], tuple[str, dict[str, Any]]] = {}

    def value(self, parts: tuple[str, ...], raw: Any) -> Any:
        """The cited (stripped, capped) value; a fresh copy on every call."""
        if parts not in self._values:
            self._values[parts] = cap_value(_strip(raw))
        return _copy(self._values[parts])

    def refs(self, parts: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        """``(dedup key, ref)`` pairs; the refs are shared, copy them before handing out."""
        keyed = self._refs.get(parts)
        if keyed is None:
            sources = _sources(self.facts, parts)
            keyed = self._refs[parts] = [self._keyed_ref(*source) for source in sources]
        return keyed

    def _keyed_ref(self, is_quote: bool, source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        memo = (is_quote, id(source))
        keyed = self._keyed.get(memo)
        if keyed is None:
            ref = _ref(is_quote, source)
            keyed = self._keyed[memo] = (_key(ref), ref)
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
