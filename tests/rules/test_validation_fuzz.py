"""Robustness: a rule file damaged anywhere gives RuleLoadError lines, never a crash."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rgpd_check.rules import RuleLoadError, load_rules

VALID: dict[str, Any] = {
    "family": "minors",
    "constants": {"ages": [13, 15]},
    "rules": [{
        "id": "MIN-900",
        "kind": "risk",
        "severity": "major",
        "reliability": "declared",
        "title": {"fr": "Âge", "en": "Age"},
        "recommendation": {"fr": "Vérifier.", "en": "Check."},
        "gdpr": ["8"],
        "when": {"all": [
            {"fact": "context.audience", "op": "ne", "value": "teachers"},
            {"fact": "documents.signals.min_age.value", "op": "gt",
             "value_fact": "context.pupil_age_min"},
            {"not": {"fact": "documents.signals.min_age.value", "op": "in", "value": "$ages"}},
        ]},
        "evidence": ["documents.signals.min_age"],
        "tests": [
            {"name": "m", "expect": "match", "facts": {"context": {"audience": "teachers"}}},
            {"name": "n", "expect": "no_match", "facts": {}},
        ],
    }],
}

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 99) | st.text(max_size=12)
    | st.sampled_from(["$ages", "$nope", "*", "exists", "hosting.*", "match", "[", "fr"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                               max_size=3),
    max_leaves=6,
)


def _locations(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [loc]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*loc, index))
    return found


LOCATIONS = _locations(VALID)[1:]


def _damaged(loc: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    parent: Any = doc
    for part in loc[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[loc[-1]]
    else:
        parent[loc[-1]] = value
    return doc


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loc=st.sampled_from(LOCATIONS), value=junk, delete=st.booleans())
def test_damaged_rule_file_never_crashes(tmp_path: Path, loc: tuple[Any, ...], value: Any,
                                         delete: bool) -> None:
    path = tmp_path / "minors.yaml"
    path.write_text(yaml.safe_dump(_damaged(loc, value, delete), allow_unicode=True),
                    encoding="utf-8")
    try:
        load_rules([path], include_builtin=False)
    except RuleLoadError as error:
        assert error.errors and all(e.line >= 1 and e.col >= 1 for e in error.errors)


def test_the_undamaged_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "minors.yaml"
    path.write_text(yaml.safe_dump(VALID, allow_unicode=True), encoding="utf-8")
    assert [rule.id for rule in load_rules([path], include_builtin=False).rules] == ["MIN-900"]
