"""Fact paths against the facts schema, and facts validation."""

from __future__ import annotations

import pytest

from rgpd_check.facts import load_facts_schema, path_problem, validate_facts, value_types


@pytest.mark.parametrize(
    "path",
    [
        "hosting.tool_non_eea_countries",
        "hosting.hosts.*.ips.*.country",  # items + $ref into $defs
        "hosting.hosts.0.host",  # list index
        "dns.hosts.*.a",  # additionalProperties as '*'
        "dns.hosts.tool_example.a",  # any map key
        "documents.signals.min_age.value",
        "documents.signals.min_age.value.anything",  # {} accepts any sub-path
        "context.stance.0.cookies",  # untyped object accepts any sub-path
        "documents.conflicts.*.whatever",  # items: {type: object}
        "crawl.evidence.*.warc_record_id",
    ],
)
def test_valid_paths(path: str) -> None:
    assert path_problem(path) is None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("hosting.tool_non_eea_countrys", "no 'tool_non_eea_countrys' in 'hosting' "
         "(did you mean 'tool_non_eea_countries'?)"),
        ("hostin.hosts", "no 'hostin' in 'facts' (did you mean 'hosting'?)"),
        ("documents.signals.minage.value", "no 'minage' in 'documents.signals' "
         "(did you mean 'min_age'?)"),
        ("security.hsts.value", "'security.hsts' is a boolean, it has no 'value'"),
        ("hosting.tool_countries.first", "'hosting.tool_countries' is an array, it has no "
         "'first'"),
        ("hosting.*", "'hosting' is not a list or a map, '*' does not apply"),
        ("hosting..hosts", "empty segment in 'hosting..hosts'"),
        ("zzz", "no 'zzz' in 'facts'"),
    ],
)
def test_invalid_paths(path: str, problem: str) -> None:
    assert path_problem(path) == f"unknown fact path '{path}': {problem}"


def test_value_types() -> None:
    assert value_types("hosting.hosts.*.ips.*.country") == {"string", "null"}
    assert value_types("context.pupil_age_min") == {"integer"}
    assert value_types("documents.signals.min_age.value") is None
    assert value_types("nope") is None


def test_schema_is_cached() -> None:
    assert load_facts_schema() is load_facts_schema()


def test_validate_facts() -> None:
    assert validate_facts({"facts_version": 1, "security": {"hsts": True}}) == []
    assert validate_facts({"security": {"hsts": "yes"}}) == [
        "(document): 'facts_version' is a required property",
        "security.hsts: 'yes' is not of type 'boolean'",
    ]
    assert validate_facts({"facts_version": 1, "hosting": {"hosts": [{"host": "a",
                                                                      "role": "x"}]}}) == [
        "hosting.hosts[0].role: 'x' is not one of ['tool', 'mail', 'dns', 'third_party']",
    ]
