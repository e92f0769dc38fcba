"""Every output parsed back: JUnit against its XSD, SARIF against the OASIS schema, Code
Quality against GitLab's documented fields, Markdown through a CommonMark parser."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from markdown_it import MarkdownIt

from rgpd_check.gate import parse_approved
from rgpd_check.gate.checks import check_tool
from rgpd_check.gate.formats import (
    render_codequality,
    render_console,
    render_junit,
    render_markdown,
    render_sarif,
)
from rgpd_check.gate.result import FAIL, GateResult, Reason, ToolResult
from rgpd_check.knowledge import load_countries
from tests.gate.test_checks import SAME

SCHEMAS = Path(__file__).parent / "schemas"
LIST = """\
tools:
  - id: pad
    accepted_level: precautions
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
    baseline:
      hosting_countries: [FR]
      hosting_providers: [OVHcloud]
      third_party_domains: [cdn-pad.example]
      tracker_domains: [stats.pad.example]
      documents:
        - {type: dpa, url: "https://pad.example/dpa", text_hash: "sha256:1",
           text_hash_version: "1"}
  - name: "Evil | <img src=x onerror=alert(1)> [x](https://bad.example) *b*"
    url: https://evil.example/
    accepted_level: recommande
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
  - id: quiz
    accepted_level: recommande
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
"""


def gate_result(text: str = LIST) -> GateResult:
    approved = parse_approved(text, Path("academie/approved.yaml"), "academie/approved.yaml")
    pad, evil, quiz = approved.tools
    worse = dataclasses.replace(
        SAME, level="deconseille", level_with_waivers="deconseille",
        tracker_domains=("stats.pad.example", "www.googletagmanager.com"),
        hosting_countries=("US",), seen_countries=("US",),
        documents=({"type": "dpa", "url": "https://pad.example/dpa", "text_hash": "sha256:2",
                    "text_hash_version": "1"},),
        reasons={"fr": ({"title": "Traceur"},), "en": ({"title": "Tracker"},)})
    unknown = dataclasses.replace(SAME, level="a-verifier", level_with_waivers="a-verifier")
    tools = []
    for tool, seen in ((pad, worse), (evil, unknown), (quiz, None)):
        item = ToolResult(tool=tool, level=seen.level if seen else None,
                          level_with_waivers=seen.level_with_waivers if seen else None,
                          seconds=0.25)
        item.reasons = check_tool(tool, seen, dt.date(2026, 6, 1), strict=False,
                                  is_eea=load_countries().is_eea)
        tools.append(item)
    tools[2].reasons.append(Reason("no-audit", FAIL, {"fr": "aucun audit", "en": "no audit"},
                                   tools[2].tool.line))
    return GateResult(approved=approved, mode="offline", strict=False,
                      today=dt.date(2026, 6, 1),
                      started_at=dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC), tools=tools,
                      rules_version="2026.06.01", seconds=1.5)


@cache
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def test_the_sample_has_a_failing_a_warning_and_an_erroring_tool() -> None:
    result = gate_result()
    assert [t.status for t in result.tools] == ["fail", "warn", "fail"]
    assert result.exit_code == 1


def test_junit_is_valid_against_the_junit_xsd_and_has_one_case_per_tool() -> None:
    text = render_junit(gate_result())
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "JUnit.xsd")))
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log
    suite = ET.fromstring(text).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    evil = "evil-img-src-x-onerror-alert-1-x-https-bad-example-b"
    assert [c.get("name") for c in cases] == ["pad", evil, "quiz"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "level-worse"
    assert "academie/approved.yaml:3:" in (failure.text or "")
    assert "new-tracker" in (failure.text or "") and "hosting-non-eea" in (failure.text or "")
    error = cases[2].find("error")
    assert error is not None and error.get("type") == "no-audit"
    assert cases[1].find("failure") is None  # warnings do not fail the case ...
    assert "level-unknown" in (suite.findtext("system-out") or "")  # ... they are reported
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["mode"] == "offline"


def test_sarif_is_valid_and_points_at_each_tool_line() -> None:
    log = json.loads(render_sarif(gate_result()))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert errors == []
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "academie/approved.yaml"
    lines = {
        (r["properties"]["tool"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    }
    assert lines == {("pad", 2), ("evil-img-src-x-onerror-alert-1-x-https-bad-example-b", 15),
                     ("quiz", 21)}
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["rgpd-check/new-tracker"] == "error"
    assert levels["rgpd-check/level-unknown"] == "warning"
    assert run["invocations"][0]["exitCode"] == 1


def test_an_empty_sarif_log_is_valid_too() -> None:
    result = gate_result()
    result.tools = []
    log = json.loads(render_sarif(result))
    assert list(sarif_validator().iter_errors(log)) == [] and log["runs"][0]["results"] == []


def test_gitlab_code_quality_follows_the_documented_format() -> None:
    issues = json.loads(render_codequality(gate_result()))
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text("utf-8"))
    jsonschema.validate(issues, schema)
    by_check = {i["check_name"]: i for i in issues}
    assert by_check["rgpd-check/new-tracker"]["severity"] == "major"
    assert by_check["rgpd-check/level-unknown"]["severity"] == "minor"
    assert by_check["rgpd-check/no-audit"]["location"] == {
        "path": "academie/approved.yaml", "lines": {"begin": 21}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert not render_codequality(gate_result()).startswith("\ufeff")  # GitLab rejects a BOM


def test_fingerprints_are_stable_across_runs_and_line_moves() -> None:
    first = json.loads(render_codequality(gate_result()))
    again = json.loads(render_codequality(gate_result()))
    moved = json.loads(render_codequality(gate_result("# a comment\n\n" + LIST)))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in again]
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in moved]
    assert [i["location"]["lines"]["begin"] + 2 for i in first] == [
        i["location"]["lines"]["begin"] for i in moved]
    sarif = json.loads(render_sarif(gate_result()))["runs"][0]["results"]
    assert sorted(r["partialFingerprints"]["rgpdCheckCi/v1"] for r in sarif) == sorted(
        i["fingerprint"] for i in first)


def test_markdown_is_one_table_row_per_tool_and_escapes_names() -> None:
    text = render_markdown(gate_result())
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + 3  # header + one per tool
    cells_per_row = []
    count = 0
    for token in tokens:
        if token.type == "tr_open":
            count = 0
        elif token.type in ("td_open", "th_open"):
            count += 1
        elif token.type == "tr_close":
            cells_per_row.append(count)
    assert cells_per_row == [6, 6, 6, 6]  # a '|' in a tool name does not add a cell
    inline = [t for t in tokens if t.type == "inline"]
    kinds = {child.type for t in inline for child in (t.children or [])}
    assert "html_inline" not in kinds and "link_open" not in kinds and "em_open" in kinds
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "&lt;img" in html
    assert "❌ Échec / Failed" in text and "`academie/approved.yaml:2`" in text


def test_console_names_each_tool_and_line() -> None:
    text = render_console(gate_result())
    assert "[pad] (academie/approved.yaml:2)" in text
    assert "academie/approved.yaml:11 [new-tracker]" in text
    assert "new tracker since approval: www.googletagmanager.com" in text
    assert text.rstrip().splitlines()[-1].startswith("ÉCHEC / FAILED")


@pytest.mark.parametrize("render", [render_junit, render_sarif, render_codequality,
                                    render_markdown, render_console])
def test_every_format_handles_a_run_with_no_tool(render: object) -> None:
    result = gate_result()
    result.tools = []
    assert render(result)  # type: ignore[operator]
