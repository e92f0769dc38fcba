"""Broken rule files: every problem is reported as ``file:line:col: message``, sorted."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.errors import InputError
from rgpd_check.rules import RuleLoadError, format_errors, load_rules

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED: dict[str, list[str]] = {
    "unknown_op": [
        "bad/unknown_op/hosting.yaml:12:48: HOST-101: when.op: unknown operator 'not-in' "
        "(did you mean 'not_in'?)",
    ],
    "path_typo": [
        "bad/path_typo/hosting.yaml:10:18: HOST-102: when.fact: unknown fact path "
        "'hosting.tool_non_eea_countrys': no 'tool_non_eea_countrys' in 'hosting' "
        "(did you mean 'tool_non_eea_countries'?)",
        "bad/path_typo/hosting.yaml:11:48: HOST-102: evidence[1]: unknown fact path "
        "'hosting.hosts.*.ipz': no 'ipz' in 'hosting.hosts.*' (did you mean 'ips'?)",
    ],
    "dup_id": [
        "bad/dup_id/trackers.yaml:3:9: duplicate rule id 'SEC-101' "
        "(also at bad/dup_id/security.yaml:3:9)",
    ],
    "dup_key": [
        "bad/dup_key/security.yaml:6:5: duplicate key 'severity' (first at line 5)",
    ],
    "missing_fr": [
        "bad/missing_fr/security.yaml:7:12: SEC-103: title: missing French text 'fr'",
        "bad/missing_fr/security.yaml:8:26: SEC-103: recommendation.fr: must not be empty",
    ],
    "bad_regex": [
        "bad/bad_regex/security.yaml:10:60: SEC-104: when.value: operator 'matches' expects a "
        "valid regular expression, 'TLSv1\\\\.[01' fails: unterminated character set at "
        "position 7",
    ],
    "undefined_const": [
        "bad/undefined_const/hosting.yaml:12:65: HOST-103: when.value: unknown constant "
        "'$eea_country' (did you mean '$eea_countries'?)",
    ],
    "syntax": [
        "bad/syntax/security.yaml:6:10: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence)",
    ],
    "missing_match": [
        "bad/missing_match/security.yaml:12:5: SEC-106: tests need at least one 'match' and "
        "one 'no_match' case",
    ],
    "bad_facts": [
        "bad/bad_facts/hosting.yaml:13:9: HOST-104: tests[0]: facts.hosting.hosts[0].role: "
        "'cloud' is not one of ['tool', 'mail', 'dns', 'third_party']",
        "bad/bad_facts/hosting.yaml:18:9: HOST-104: tests[1]: facts: Additional properties "
        "are not allowed ('hostin' was unexpected)",
    ],
    "envelope": [
        "bad/envelope/dpa.yaml:3:9: DPA-1: id: 'DPA-1': rule ids look like HOST-001 "
        "(2 to 5 capitals, a dash, 3 digits)",
        "bad/envelope/dpa.yaml:4:11: DPA-1: kind: 'danger' is not one of risk, safeguard",
        "bad/envelope/dpa.yaml:5:5: DPA-1: unknown key 'severty' (did you mean 'severity'?)",
        "bad/envelope/dpa.yaml:9:12: DPA-1: gdpr[0]: expected string, got number "
        '(quote it: "13")',
        "bad/envelope/dpa.yaml:9:16: DPA-1: gdpr[1]: 'art. 13': not a GDPR reference "
        '(e.g. "44", "46(2)(c)", "recital 38")',
        "bad/envelope/dpa.yaml:10:18: DPA-1: references[0]: 'www.cnil.fr': not a URL",
        "bad/envelope/dpa.yaml:13:5: DPA-1: tests need at least one 'match' and one "
        "'no_match' case",
        "bad/envelope/dpa.yaml:15:23: DPA-1: tests[1]: unknown key 'expected' "
        "(did you mean 'expect'?)",
    ],
    "values": [
        "bad/values/minors.yaml:1:9: family: 'security' does not match the file name "
        "'minors.yaml' (expected family 'minors')",
        "bad/values/minors.yaml:12:66: MIN-101: when.all[0].value: operator 'gt' expects a "
        "number value, got string",
        "bad/values/minors.yaml:13:51: MIN-101: when.all[1].value: 'teacher' is never a value "
        "of 'context.audience' (did you mean 'teachers'?)",
        "bad/values/minors.yaml:14:39: MIN-101: when.all[2].op: operator 'is_true' does not "
        "apply to 'documents.types' (array); use 'documents.types.*' to test each element",
        "bad/values/minors.yaml:15:11: MIN-101: when.all[3]: operator 'is_false' takes no value",
        "bad/values/minors.yaml:16:71: MIN-101: when.all[4].value_fact: unknown fact path "
        "'context.pupil_age_*': no 'pupil_age_*' in 'context' (did you mean 'pupil_age_min'?)",
        "bad/values/minors.yaml:17:11: MIN-101: when.all[5]: operator 'le' needs a 'value' "
        "(or a 'value_fact')",
        "bad/values/minors.yaml:18:59: MIN-101: when.all[6].quantifier: quantifier must be "
        "'any' or 'all', got 'each'",
        "bad/values/minors.yaml:19:62: MIN-101: when.all[7].quantifier: operator 'not_empty' "
        "compares the whole value; a quantifier applies only to per-element operators",
        "bad/values/minors.yaml:20:12: MIN-101: when.all[8]: unknown key 'and' in a condition "
        "(did you mean 'any'?)",
        "bad/values/minors.yaml:21:16: MIN-101: when.all[9].any: 'any' needs a non-empty list "
        "of conditions",
        "bad/values/minors.yaml:24:16: MIN-101: tests[0].name: expected string, got number "
        '(quote it: "16")',
        "bad/values/minors.yaml:25:16: MIN-101: tests[1].name: expected string, got number "
        '(quote it: "13")',
    ],
    "data_const": [
        "bad/data_const/hosting.yaml:3:37: constants.eea.path: constant 'eea': no 'eea.member' "
        "in 'countries.yaml' (did you mean 'members'?)",
        "bad/data_const/hosting.yaml:4:16: constants.gone.data: constant 'gone': data file "
        "'nowhere.yaml' not found",
        "bad/data_const/hosting.yaml:5:10: constants.bools: mixes strings and booleans (YAML "
        "reads unquoted yes/no/on/off, e.g. NO for Norway, as booleans: quote them)",
    ],
}


def _errors(*cases: str) -> list[str]:
    with pytest.raises(RuleLoadError) as caught:
        load_rules([Path("bad") / case for case in cases], include_builtin=False)
    return str(caught.value).splitlines()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_rule_file(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert _errors(case) == EXPECTED[case]


def test_every_file_is_checked_and_errors_are_sorted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    cases = ["values", "unknown_op", "dup_key", "syntax"]
    lines = _errors(*cases)

    def position(line: str) -> tuple[str, int, int]:
        file, row, col, _ = line.split(":", 3)
        return file, int(row), int(col)

    assert lines == sorted((line for case in cases for line in EXPECTED[case]), key=position)


def test_error_object_and_formatting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    with pytest.raises(RuleLoadError) as caught:
        load_rules([Path("bad/missing_fr")], include_builtin=False)
    err = caught.value
    assert isinstance(err, InputError) and err.exit_code == 2
    first = err.errors[0]
    assert (first.file, first.line, first.col) == ("bad/missing_fr/security.yaml", 7, 12)
    assert format_errors(err).splitlines()[-1] == "2 errors in rule files"


def test_missing_path_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert _errors("does_not_exist") == ["bad/does_not_exist:1:1: no such rule file or folder"]


def test_paths_outside_the_working_directory_are_shown_as_given(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuleLoadError) as caught:
        load_rules([FIXTURES / "bad" / "dup_key"], include_builtin=False)
    assert str(caught.value).startswith(str(FIXTURES / "bad" / "dup_key" / "security.yaml"))
