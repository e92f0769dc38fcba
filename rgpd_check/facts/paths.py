"""Dotted fact paths with ``*`` projections, resolved against a facts document.

One resolver serves the rule evaluator and the evidence gatherer, so that both agree
on what "absent" means: a key that is not there, never an empty value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

WILDCARD = "*"


class Hit(NamedTuple):
    """One value found: its concrete path for display, the value, and the raw segments."""

    path: str
    value: Any
    parts: tuple[str, ...]


@dataclass(slots=True)
class Projection:
    """Values found at a path, by concrete path, plus the concrete paths that were absent.

    ``found == [] and missing == []`` is an empty projection (e.g. ``*`` over ``[]``);
    ``found == [] and missing != []`` means the fact is absent.
    """

    found: list[Hit] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def absent(self) -> bool:
        return not self.found and bool(self.missing)


def split(path: str) -> list[str]:
    return path.split(".")


def has_wildcard(path: str) -> bool:
    return WILDCARD in split(path)


def format_path(parts: tuple[str, ...]) -> str:
    """Dotted path; a map key that contains a dot (a host name) is shown as ``["a.b"]``."""
    text = ""
    for part in parts:
        if "." in part:
            text += f'["{part}"]'
        else:
            text += f".{part}" if text else part
    return text


def _children(node: Any, segment: str) -> list[tuple[str, Any]] | None:
    """Children of ``node`` selected by one segment; None when the segment does not apply."""
    if segment == WILDCARD:
        if isinstance(node, list):
            return [(str(i), item) for i, item in enumerate(node)]
        if isinstance(node, dict):
            return [(str(key), value) for key, value in node.items()]
        return None
    if isinstance(node, dict):
        return [(segment, node[segment])] if segment in node else None
    if isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
        return [(segment, node[int(segment)])]
    return None


def _extend(text: str, part: str) -> str:
    """``format_path`` of a prefix plus one part, from the prefix's text (same result)."""
    if "." in part:
        return f'{text}["{part}"]'
    return f"{text}.{part}" if text else part


def resolve(doc: Any, path: str) -> Projection:
    """Every value at ``path``; a value of the wrong shape on the way counts as absent."""
    # Each frontier entry carries its display path, built as it grows (not once per hit).
    frontier: list[tuple[tuple[str, ...], str, Any]] = [((), "", doc)]
    projection = Projection()
    for segment in split(path):
        nxt: list[tuple[tuple[str, ...], str, Any]] = []
        for prefix, text, node in frontier:
            children = _children(node, segment)
            if children is None:
                projection.missing.append(_extend(text, segment))
            else:
                nxt.extend(((*prefix, key), _extend(text, key), value) for key, value in children)
        frontier = nxt
    projection.found = [Hit(text, value, parts) for parts, text, value in frontier]
    return projection


def get(doc: Any, concrete_path: str) -> tuple[bool, Any]:
    """The value at a concrete (wildcard-free) path, as ``(present, value)``."""
    projection = resolve(doc, concrete_path)
    if projection.found:
        return True, projection.found[0].value
    return False, None


class Resolver:
    """``resolve``/``get`` over one facts document, each path walked once.

    Rules share many paths (and wildcard paths are costly to walk), so one evaluation of a
    rule set keeps one resolver. A path is resolved from its parent path's projection (so
    ``a.b`` and ``a.b.c`` walk ``a.b`` once); the result is what :func:`resolve` gives. The
    document must not change while the resolver is in use; the projections it returns are
    shared and must not be modified by callers. ``memo`` keeps what other layers derive
    from the document (keyed by them), for as long as the resolver lives.
    """

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        # Every path resolved so far (read-only: ``projections.get(p) or resolve(p)``).
        self.projections: dict[str, Projection] = {}
        self.memo: dict[Any, Any] = {}

    def resolve(self, path: str) -> Projection:
        projection = self.projections.get(path)
        if projection is None:
            parent, dot, segment = path.rpartition(".")
            if dot:
                projection = _step(self.resolve(parent), segment)
            else:
                projection = resolve(self.doc, path)
            self.projections[path] = projection
        return projection

    def get(self, concrete_path: str) -> tuple[bool, Any]:
        projection = self.resolve(concrete_path)
        if projection.found:
            return True, projection.found[0].value
        return False, None


class _Empty(list[str]):
    """The ``missing`` list of the resolver's projections that miss nothing, shared by them
    all (a document has hundreds): cached projections are read-only, this one enforces it."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("projections kept by a Resolver are shared: copy before changing")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


_NONE_MISSING = _Empty()


def _step(parent: Projection, segment: str) -> Projection:
    """The projection one segment below ``parent`` (as :func:`resolve` walks it)."""
    missing = list(parent.missing) if parent.missing else []
    found: list[Hit] = []
    if segment != WILDCARD:  # one child at most per hit
        shown = f'["{segment}"]' if "." in segment else f".{segment}"
        for hit in parent.found:
            node = hit.value
            text = hit.path + shown if hit.path else _extend("", segment)
            if type(node) is dict:
                if segment in node:
                    found.append(Hit(text, node[segment], (*hit.parts, segment)))
                    continue
            else:
                children = _children(node, segment)
                if children is not None:
                    found.append(Hit(text, children[0][1], (*hit.parts, segment)))
                    continue
            missing.append(text)
        return Projection(found, missing or _NONE_MISSING)
    for hit in parent.found:
        children = _children(hit.value, segment)
        if children is None:
            missing.append(_extend(hit.path, segment))
        else:
            found.extend(
                Hit(_extend(hit.path, key), value, (*hit.parts, key)) for key, value in children
            )
    return Projection(found, missing or _NONE_MISSING)
