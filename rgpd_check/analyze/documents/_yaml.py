"""YAML loading that remembers line numbers, so vocabulary errors can name ``file:line``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class VocabularyError(ValueError):
    """A vocabulary file is missing, malformed or holds a pattern that does not compile."""


class LDict(dict[str, Any]):
    """A mapping that knows the line of each key."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]

    def where(self, key: str | None = None) -> str:
        """``file:line`` of the mapping or of one key."""
        line = self.key_lines.get(key, self.line) if key is not None else self.line
        return f"{self.file}:{line}"


class LList(list[Any]):
    """A sequence that knows the line of each item."""

    file: str = ""
    line: int = 0
    item_lines: list[int]

    def where(self, index: int | None = None) -> str:
        """``file:line`` of the sequence or of one item."""
        line = self.item_lines[index] if index is not None else self.line
        return f"{self.file}:{line}"


def load_located(path: Path) -> LDict:
    """Parse one YAML file into dicts/lists that carry their line numbers."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError(f"{name}: cannot read vocabulary file ({exc.strerror})") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise VocabularyError(f"{name}:{line}: YAML syntax error: {exc.problem}") from exc
    if not isinstance(node, yaml.MappingNode):
        raise VocabularyError(f"{name}:1: a vocabulary file must be a mapping")
    loader = yaml.SafeLoader("")
    result = _convert(node, name, loader)
    assert isinstance(result, LDict)
    return result


def _convert(node: yaml.Node, name: str, loader: yaml.SafeLoader) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = LDict()
        mapping.file, mapping.line, mapping.key_lines = name, line, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str | int):
                raise VocabularyError(f"{name}:{key_line}: keys must be text")
            key = str(key)
            if key in mapping:
                raise VocabularyError(f"{name}:{key_line}: duplicate key {key!r}")
            mapping[key] = _convert(value_node, name, loader)
            mapping.key_lines[key] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = LList()
        items.file, items.line, items.item_lines = name, line, []
        for item in node.value:
            items.append(_convert(item, name, loader))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    return loader.construct_object(node)
