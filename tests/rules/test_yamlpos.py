"""YAML with positions: 1-based marks, duplicate keys, syntax errors."""

from __future__ import annotations

from rgpd_check.rules.yamlpos import Pos, load_located


def test_positions_of_values_and_keys() -> None:
    doc = load_located("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.pos(("b", 1, "c")) == Pos(4, 9)
    assert doc.key_pos(("b",)) == Pos(2, 1)
    assert doc.pos(("b", 7)) == doc.pos(("b",))  # falls back to the nearest ancestor


def test_duplicate_keys_are_problems() -> None:
    doc = load_located("a: 1\nb: 2\na: 3\n")
    assert doc.problems == [(Pos(3, 1), "duplicate key 'a' (first at line 1)")]


def test_yaml_reads_unquoted_no_as_false() -> None:
    assert load_located("c: [FR, NO]").data == {"c": ["FR", False]}


def test_syntax_error_and_empty_file() -> None:
    assert load_located("a: [1, 2\nb: 3\n").problems[0][0] == Pos(2, 2)
    assert load_located("").problems == [(Pos(1, 1), "empty file")]
    assert load_located("a: 1\n---\nb: 2\n").problems == [
        (Pos(3, 1), "only one YAML document is allowed")]
