"""YAML with positions: compose (safe), reject duplicate keys, keep every node's mark.

Rule files are data written by hand; every error must point at ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# A location inside a document: mapping keys and list indices from the root.
Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class LocatedProblem:
    """One problem in a hand-written YAML file; ``str()`` is ``file:line:col: message``.

    Shared by every loader with positions (rules, catalog, approved list): one format for
    every error a user has to find in a file.
    """

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Pos:
    """1-based line and column."""

    line: int
    col: int

    @classmethod
    def of(cls, mark: yaml.Mark | None) -> Pos:
        if mark is None:
            return cls(1, 1)
        return cls(mark.line + 1, mark.column + 1)


@dataclass
class Located:
    """Plain data plus the position of each value (``values``) and mapping key (``keys``)."""

    data: Any
    values: dict[Loc, Pos] = field(default_factory=dict)
    keys: dict[Loc, Pos] = field(default_factory=dict)
    problems: list[tuple[Pos, str]] = field(default_factory=list)

    def pos(self, loc: Loc) -> Pos:
        """Position of the value at ``loc``, or of its nearest located ancestor."""
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, Pos(1, 1))

    def key_pos(self, loc: Loc) -> Pos:
        return self.keys.get(loc) or self.pos(loc)


def _scalar(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


MAX_DEPTH = 64  # hand-written data files are never nested this deep


def _convert(node: yaml.Node, loc: Loc, out: Located, seen: set[int] | None = None) -> Any:
    """Plain data from a node; aliases and absurd nesting are problems, never expanded.

    A YAML alias is the same node reached twice: expanding it is how a "billion laughs"
    document of a few hundred bytes becomes gigabytes. Data files here never need one.
    """
    seen = set() if seen is None else seen
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in seen:
            out.problems.append((Pos.of(node.start_mark), "YAML aliases (*name) are not allowed"))
            return None
        seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            out.problems.append((Pos.of(node.start_mark), f"nested deeper than {MAX_DEPTH} levels"))
            return None
    out.values[loc] = Pos.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Pos] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                out.problems.append((Pos.of(key_node.start_mark), "a key must be plain text"))
                continue
            key = _plain_scalar(key_node, out)
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            key_pos = Pos.of(key_node.start_mark)
            if key in first_seen:
                out.problems.append(
                    (key_pos, f"duplicate key '{key}' (first at line {first_seen[key].line})")
                )
            first_seen.setdefault(key, key_pos)
            child_loc = (*loc, key)
            out.keys[child_loc] = key_pos
            result[key] = _convert(value_node, child_loc, out, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*loc, i), out, seen) for i, child in enumerate(node.value)]
    return _plain_scalar(node, out)


def _plain_scalar(node: yaml.Node, out: Located) -> Any:
    """A scalar's value; one that YAML cannot build (bad date, unknown tag) is a problem."""
    try:
        return _scalar(node)
    except (ValueError, yaml.YAMLError) as error:  # e.g. an impossible date: 2025-13-01
        if node.tag.endswith(":timestamp"):
            message = f"impossible date {node.value!r} (YYYY-MM-DD)"
        else:
            reason = getattr(error, "problem", None) or str(error).splitlines()[0]
            message = f"invalid value {node.value!r}: {reason}"
        out.problems.append((Pos.of(node.start_mark), message))
        return node.value


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    if error.context:
        return f"YAML syntax error: {problem} ({error.context})"
    return f"YAML syntax error: {problem}"


def load_located(text: str) -> Located:
    """Parse one YAML document; syntax errors and duplicate keys land in ``problems``."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return Located(None, problems=[(Pos.of(mark), _syntax_message(error))])
    except yaml.YAMLError as error:
        return Located(None, problems=[(Pos(1, 1), f"YAML error: {error}")])
    except RecursionError:
        return Located(None, problems=[(Pos(1, 1), f"nested deeper than {MAX_DEPTH} levels")])
    if not nodes:
        return Located(None, problems=[(Pos(1, 1), "empty file")])
    out = Located(None)
    if len(nodes) > 1:
        out.problems.append((Pos.of(nodes[1].start_mark), "only one YAML document is allowed"))
    out.data = _convert(nodes[0], (), out)
    return out
