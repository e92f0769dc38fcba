"""``Finding.make`` builds the same finding as the dataclass constructor."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from rgpd_check.findings import Finding

FIELDS = {
    "rule": "DPA-001",
    "family": "dpa",
    "kind": "risk",
    "severity": "major",
    "reliability": "observed",
    "result": "match",
    "title": {"fr": "Titre", "en": "Title"},
    "recommendation": {"fr": "Faire", "en": "Do"},
    "gdpr": ["art. 28"],
    "references": ["https://example.org"],
    "evidence": [{"type": "http"}],
    "facts": {"a": 1},
    "trace": ["a = 1 eq 1 → match"],
    "source_file": "rules/dpa.yaml",
    "evidence_truncated": 2,
}


def test_make_takes_every_field_in_order() -> None:
    names = [field.name for field in dataclasses.fields(Finding)]
    assert list(inspect.signature(Finding.make).parameters) == names


def test_make_equals_the_constructor() -> None:
    made, built = Finding.make(**FIELDS), Finding(**FIELDS)  # type: ignore[arg-type]
    assert made == built and repr(made) == repr(built)
    assert vars(made) == vars(built) and list(vars(made)) == list(vars(built))
    assert made.to_dict("en") == built.to_dict("en")
    assert pickle.loads(pickle.dumps(made)) == built
    assert copy.deepcopy(made) == built
    assert made.evidence is FIELDS["evidence"]  # like the constructor, no copy


def test_made_findings_stay_frozen() -> None:
    made = Finding.make(**FIELDS)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rule = "other"  # type: ignore[misc]
