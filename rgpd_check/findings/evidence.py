"""Gather the evidence behind a finding from the facts document.

Facts derived from evidence carry an ``evidence`` list of refs; document signals carry
``quotes``. For every cited value we take the nearest ``evidence`` list on the value or
an ancestor, plus the quotes of any signal on the way, so a finding points back to WARC
records and document excerpts.

One evaluation of a rule set keeps one :class:`Citations`: every path, cited value and ref
is worked out once per facts document, and each finding gets its own copies.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rgpd_check.facts.paths import Hit, Resolver

from .preview import LARGE, capped_map, encode, strip
from .refkey import ref_key

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
    if "start" in quote:
        ref["start"] = quote["start"]
    if "end" in quote:
        ref["end"] = quote["end"]
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


def _json(value: Any) -> str:
    return encode(value)


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


def cited_value(raw: Any, limit: int = MAX_VALUE_CHARS) -> Any:
    """``cap_value(strip(raw))``; a map is encoded only as far as the cap needs.

    Values whose JSON surely fits are kept without encoding: a JSON string is at most six
    characters per character (``\\uXXXX``) plus its quotes.
    """
    kind = type(raw)
    if kind is dict:
        # A map holding a large map (a document item and its signals) is likely far longer
        # than the cap; a smaller one is stripped and encoded whole, which is quicker.
        for item in () if _DICT.isdisjoint(map(type, raw.values())) else raw.values():
            if type(item) is dict and len(item) >= LARGE:
                done, capped = capped_map(raw, limit)
                if done:
                    return capped
                break
    elif raw is None or kind is bool:
        if limit >= 5:
            return raw
    elif kind is str:
        if 6 * len(raw) + 2 <= limit:
            return raw
    elif kind is int:
        if -(10**15) < raw < 10**15 and limit >= 16:
            return raw
    elif kind is list and all(type(item) is str for item in raw):
        if sum(6 * len(item) + 4 for item in raw) + 2 <= limit:
            return list(raw)
    return cap_value(strip(raw), limit)


def _copy(value: Any) -> Any:
    """A fresh copy of JSON-shaped data, so findings never share a mutable cited value.

    Cited values are made by ``strip``: their maps and lists are plain ``dict``/``list``.
    """
    if type(value) is dict:
        if _NESTED.isdisjoint(map(type, value.values())):
            return value.copy()
        return {k: _copy(v) if type(v) in _NESTED else v for k, v in value.items()}
    if type(value) is list:
        if _NESTED.isdisjoint(map(type, value)):
            return value.copy()
        return [_copy(item) if type(item) in _NESTED else item for item in value]
    return value


_NESTED = frozenset({dict, list})
_DICT = frozenset({dict})
_UNREACHED = object()  # no node at a concrete path (``_chain`` stops above it)

# What one fact path cites in a document, as a tuple of plain values (the collector stops
# tracking those; a document keeps one per path):
# (display paths of the first MAX_FACTS hits, start and end of their cited values in
#  ``Citations.cited``, the hits after those, the refs' dedup ids, the refs' indexes in
#  ``Citations.refs``).
# A finding's cited values and its refs are two separate lists, each in path then hit order,
# so the refs of every hit of a path are listed together, duplicates dropped. Values and
# refs are shared: copy them before handing them out.
PathCitations = tuple[tuple[str, ...], int, int, Sequence[Hit], tuple[int, ...], tuple[int, ...]]


class Citations:
    """What ``gather`` derives from one facts document, computed once per path and value.

    Many rules cite the same facts; one evaluation of a rule set shares one ``Citations``
    (and its :class:`Resolver`). The document must not change while it is in use. Refs
    are kept once per source (a quote or a listed ref in ``facts``) in ``refs``, with the
    dedup id of their JSON text in ``ids``; the rest of the bookkeeping holds indexes.
    """

    def __init__(self, facts: dict[str, Any], resolver: Resolver | None = None) -> None:
        self.facts = facts
        self.resolver = resolver if resolver is not None else Resolver(facts)
        self.cited: list[Any] = []  # cited values of every path, in the order paths came
        self.refs: list[dict[str, Any]] = []  # one per source
        self.ids: list[int] = []  # its dedup id: equal JSON texts, one id
        # Cited value of each map and list cited so far, by ``id`` (``facts`` holds them).
        self._values: dict[int, Any] = {}
        self._paths: dict[str, PathCitations] = {}
        # By concrete path: the node there (or _UNREACHED), and the indexes of its refs.
        self._nodes: dict[tuple[str, ...], Any] = {}
        self._sources: dict[tuple[str, ...], tuple[int, ...]] = {}
        # Dedup key → dedup id.
        self._keys: dict[Hashable, int] = {}

    def value(self, parts: tuple[str, ...], raw: Any) -> Any:
        """The cited (stripped, capped) value; a fresh copy on every call."""
        return _copy(self._value(parts, raw))

    def _value(self, parts: tuple[str, ...], raw: Any) -> Any:
        """The cited value of ``raw`` (a node of ``facts``, at ``parts``), made once."""
        if type(raw) not in _NESTED:
            return cited_value(raw)
        value = self._values.get(id(raw), _UNREACHED)
        if value is _UNREACHED:
            value = self._values[id(raw)] = cited_value(raw)
        return value

    def path(self, path: str) -> PathCitations:
        cited = self._paths.get(path)
        if cited is None:
            paths = self.resolver
            hits = (paths.projections.get(path) or paths.resolve(path)).found
            known = self._values
            values = self.cited
            start = len(values)
            shown: list[str] = []
            for hit in hits[:MAX_FACTS]:
                shown.append(hit.path)
                raw = hit.value
                if type(raw) in _NESTED:  # made once per map or list of the document
                    value = known.get(id(raw), _UNREACHED)
                    if value is _UNREACHED:
                        value = known[id(raw)] = cited_value(raw)
                else:
                    value = cited_value(raw)
                values.append(value)
            if len(hits) == 1:
                sources = self.sources(hits[0].parts)
            else:
                sources = ()
                for hit in hits:
                    sources += self.sources(hit.parts)
            ident = self.ids
            ids = tuple(map(ident.__getitem__, sources))
            if len(set(ids)) != len(ids):  # the same ref on two hits, or twice on one
                once: dict[int, int] = {}
                for dedup, index in zip(ids, sources, strict=True):
                    once.setdefault(dedup, index)
                ids, sources = tuple(once), tuple(once.values())
            more = hits[MAX_FACTS:] if len(hits) > MAX_FACTS else ()
            cited = self._paths[path] = (tuple(shown), start, len(values), more, ids, sources)
        return cited

    def sources(self, parts: tuple[str, ...]) -> tuple[int, ...]:
        """Indexes (in ``refs``) of the refs of one concrete value, as ``refs_for`` lists them.

        Built from the parent's: values share ancestors, and a value without its own
        ``evidence`` list has its parent's refs after its own quotes.
        """
        known = self._sources.get(parts)
        if known is not None:
            return known
        above: tuple[int, ...] | None = None
        if not parts:
            node: Any = self.facts
        else:
            up = parts[:-1]
            above = self._sources.get(up)
            if above is None:
                above = self.sources(up)
            parent, segment, node = self._nodes[up], parts[-1], _UNREACHED
            if isinstance(parent, dict):
                if segment in parent:
                    node = parent[segment]
            elif isinstance(parent, list) and segment.isdigit() and int(segment) < len(parent):
                node = parent[int(segment)]
            if node is _UNREACHED:  # ``_chain`` stops at the deepest node it reaches
                self._nodes[parts] = node
                self._sources[parts] = above
                return above
        self._nodes[parts] = node
        own: list[int] = []
        evidence = None
        if isinstance(node, dict):
            quotes = node.get("quotes")
            if isinstance(quotes, list):
                self._own(True, quotes, own)
            evidence = node.get("evidence")
        if isinstance(evidence, list):
            self._own(False, evidence, own)
            known = tuple(own)
        elif above is None:
            known = tuple(own)
        else:
            known = (*own, *above) if own else above
        self._sources[parts] = known
        return known

    def _own(self, quoted: bool, sources: list[Any], own: list[int]) -> None:
        """Appends the index of each quote (or listed ref) of one node, as a new ref.

        A node's refs are made once (``sources`` keeps them by concrete path), and a source
        dict belongs to one node: refs are made once per source without a memo.
        """
        refs = self.refs
        keys = self._keys
        for source in sources:
            if type(source) is dict or isinstance(source, dict):
                if quoted:
                    ref = quote_ref(source)
                else:  # kept as it is in ``facts`` (``gather`` hands out copies)
                    ref = source if type(source) is dict else dict(source)
                own.append(len(refs))
                refs.append(ref)
                self.ids.append(keys.setdefault(ref_key(ref), len(keys)))


def gather(
    facts: dict[str, Any], paths: Iterable[str], citations: Citations | None = None
) -> Gathered:
    """Evidence refs (deduplicated, capped) and cited values (by concrete path) for ``paths``.

    ``citations`` (built on the same ``facts``) shares the work across the rules of one
    evaluation; the result is the same with or without it.
    """
    cache = citations if citations is not None else Citations(facts)
    evidence, truncated, cited = gather_unique(cache, tuple(dict.fromkeys(paths)))
    return Gathered(evidence, truncated, cited)


def gather_unique(
    cache: Citations, paths: Sequence[str]
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """``gather`` of paths already without duplicates, as (evidence, truncated, facts)."""
    cited: dict[str, Any] = {}
    evidence: list[dict[str, Any]] = []
    truncated = 0
    seen: set[int] = set()
    known = cache._paths
    values = cache.cited
    refs = cache.refs
    room = MAX_FACTS  # cited values still allowed
    for path in paths:
        shown_paths, start, _, more, ids, sources = known.get(path) or cache.path(path)
        if room:
            for index, shown in enumerate(shown_paths, start):
                if shown not in cited:
                    value = values[index]
                    cited[shown] = _copy(value) if type(value) in _NESTED else value
                    room -= 1
                    if not room:
                        break
            else:
                for hit in more:
                    if hit.path not in cited:
                        cited[hit.path] = cache.value(hit.parts, hit.value)
                        room -= 1
                        if not room:
                            break
        if not ids or seen.issuperset(ids):
            continue
        if len(evidence) + len(ids) <= MAX_REFS and seen.isdisjoint(ids):
            evidence.extend(map(dict, map(refs.__getitem__, sources)))  # ids of a path differ
            seen.update(ids)
            continue
        for ident, index in zip(ids, sources, strict=False):
            if ident in seen:
                continue
            seen.add(ident)
            if len(evidence) < MAX_REFS:
                evidence.append(dict(refs[index]))
            else:
                truncated += 1
    return evidence, truncated, cited


def cited_paths(evidence: Sequence[str], leaf_paths: Sequence[str]) -> list[str]:
    """The rule's evidence paths first, then the paths its condition reads."""
    return list(dict.fromkeys([*evidence, *leaf_paths]))
