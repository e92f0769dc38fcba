"""The example academy repository, end to end on the test web.

It passes; it fails with the right reasons in every format when its tools degrade (new
tracker, hosting moved outside the EEA, DPA text changed, review date passed); it passes again
once the changes are approved and re-pinned. The example's tools are served by the test web
under their real host names (the test DNS answers for them, on loopback only).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from rgpd_check.gate import load_approved
from rgpd_check.gate.model import GRADED_LEVELS
from tests.gate.sites import DPA_V2, US_IP, home, replace_ip, run_cli, tool_site
from tests.helpers import cli_network_args
from tests.testweb import TestWeb

EXAMPLE = Path(__file__).parents[2] / "examples" / "academy"
# Example tool name -> (host, entry path) as written in examples/academy/approved.yaml.
TOOLS = {
    "digipad": ("Digipad", "digipad.app", "/"),
    "apps-education-nuage": ("Nuage", "portail.apps.education.fr", "/"),
    "wooclap": ("Wooclap", "www.wooclap.com", "/fr/"),
}
NO_FAILURE: dict[str, set[str]] = {tool_id: set() for tool_id in TOOLS}
OUTPUTS = ("--junit", "junit.xml", "--gitlab-codequality", "cq.json", "--sarif", "ci.sarif",
           "--markdown", "summary.md")


def point_at_test_web(web: TestWeb, approved: Path) -> None:
    """Serve each example tool on the test web and point the list's URLs at it."""
    text = approved.read_text(encoding="utf-8")
    for name, host, path in TOOLS.values():
        site = tool_site(host, name)
        site.pages[path] = site.pages["/"]
        web.add_site(site)
        real = f"url: https://{host}{path}\n"
        assert real in text, real
        text = text.replace(real, f"url: {web.url(host, path, https=True)}\n")
    approved.write_text(text, encoding="utf-8")


def set_field(approved: Path, tool_id: str, key: str, value: str) -> None:
    """Edit one scalar of one entry in place, as a person would (comments kept)."""
    lines = approved.read_text(encoding="utf-8").splitlines(keepends=True)
    tool = load_approved(approved).by_id[tool_id]
    index = tool.line_of(key) - 1
    assert lines[index].lstrip().startswith(f"{key}:"), lines[index]
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}{key}: {value}\n"
    approved.write_text("".join(lines), encoding="utf-8")


def gate(
    repo: Path, today: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    outputs = [arg if arg.startswith("--") else str(repo / arg) for arg in OUTPUTS]
    code, out, err = run_cli(["ci", str(repo / "approved.yaml"), "--reports",
                              str(repo / "reports"), "--today", today, *outputs, *extra], capsys)
    return code, out + err


def fails_by_tool(repo: Path) -> dict[str, set[str]]:
    """What every machine-readable output says failed, tool by tool — they must agree."""
    junit: dict[str, set[str]] = {}
    for case in ET.parse(repo / "junit.xml").getroot().iter("testcase"):
        failure = case.find("failure")
        text = failure.text if failure is not None else ""
        junit[str(case.get("name"))] = set(re.findall(r"\[fail\] \[([a-z-]+)\]", text or ""))
    cq: dict[str, set[str]] = {tool: set() for tool in junit}
    for issue in json.loads((repo / "cq.json").read_text("utf-8")):
        if issue["severity"] == "major":
            tool = re.search(r"\[([a-z0-9-]+)\] :", issue["description"]).group(1)  # type: ignore[union-attr]
            cq[tool].add(issue["check_name"].removeprefix("rgpd-check/"))
    sarif: dict[str, set[str]] = {tool: set() for tool in junit}
    for result in json.loads((repo / "ci.sarif").read_text("utf-8"))["runs"][0]["results"]:
        if result["level"] == "error":
            sarif[result["properties"]["tool"]].add(result["ruleId"].removeprefix("rgpd-check/"))
    assert junit == cq == sarif
    return junit


def test_example_academy_repository(web: TestWeb, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "academy"
    shutil.copytree(EXAMPLE, repo)
    approved = repo / "approved.yaml"
    assert yaml.safe_load((repo / ".gitlab-ci.yml").read_text("utf-8"))["rgpd-check:gate"]
    point_at_test_web(web, approved)
    live = ["--live", *cli_network_args(web), "--ip-data", str(tmp_path / "ip2asn.tsv")]

    # The first nightly audit: nothing pinned yet, so the gate only warns.
    code, out = gate(repo, "2026-03-01", capsys, *live)
    assert code == 0, out
    assert out.count("[no-baseline]") == 3
    # The academy approved the fixture tools as they are: levels at least as strict as seen.
    for item in json.loads((repo / "ci.sarif").read_text("utf-8"))["runs"][0]["results"]:
        if item["ruleId"] == "rgpd-check/level-worse":
            set_field(approved, item["properties"]["tool"], "accepted_level",
                      item["properties"]["level"])
    code, out, _ = run_cli(["ci", "pin", str(approved), "--reports", str(repo / "reports"),
                            "--today", "2026-03-01"], capsys)
    assert code == 0 and out.count("épinglé / pinned") == 3, out
    assert "# Mur collaboratif, utilisé sans compte élève." in approved.read_text("utf-8")

    # Merge requests: the example academy repository passes, offline.
    code, out = gate(repo, "2026-03-01", capsys)
    assert code == 0, out
    assert fails_by_tool(repo) == NO_FAILURE

    # The vendors change: a tracker, hosting moved to the US, a rewritten DPA; time passes.
    web.site("digipad.app").pages["/"] = home("Digipad", tracker=True)
    replace_ip(web, "portail.apps.education.fr", US_IP)
    web.site("www.wooclap.com").pages["/dpa"] = DPA_V2
    code, out = gate(repo, "2027-01-05", capsys, *live)
    assert code == 1, out
    failed = fails_by_tool(repo)
    allowed_extra = {"level-worse"}  # a degradation may also worsen the level
    assert "new-tracker" in failed["digipad"]
    assert failed["digipad"] - {"new-tracker"} <= allowed_extra
    nuage = failed["apps-education-nuage"]
    assert "hosting-non-eea" in nuage and nuage - {"hosting-non-eea"} <= allowed_extra
    assert {"document-changed", "approval-expired"} <= failed["wooclap"]
    assert failed["wooclap"] - {"document-changed", "approval-expired"} <= allowed_extra
    summary = (repo / "summary.md").read_text("utf-8")
    for code_name in ("new-tracker", "hosting-non-eea", "document-changed", "approval-expired"):
        assert f"`{code_name}`" in summary
    assert "www.googletagmanager.com" in out and "US" in out
    wooclap = load_approved(approved).by_id["wooclap"]
    assert f"approved.yaml:{wooclap.line_of('review_by')} [approval-expired]" in out
    # A merge request made before the decision fails offline for the same reasons.
    assert gate(repo, "2027-01-05", capsys)[0] == 1
    assert fails_by_tool(repo) == failed

    # The academy reviews and approves the changes, then re-pins from the latest audits.
    levels = {r["properties"]["tool"]: r["properties"]["level"]
              for r in json.loads((repo / "ci.sarif").read_text("utf-8"))["runs"][0]["results"]}
    for tool_id, level in levels.items():
        if level in GRADED_LEVELS and "level-worse" in failed[tool_id]:
            set_field(approved, tool_id, "accepted_level", level)
    set_field(approved, "wooclap", "review_by", "2028-01-05")
    set_field(approved, "wooclap", "approved_on", "2027-01-05")
    code, out, _ = run_cli(["ci", "pin", str(approved), "--reports", str(repo / "reports"),
                            "--today", "2027-01-05"], capsys)
    assert code == 0, out
    nuage_baseline = load_approved(approved).by_id["apps-education-nuage"].baseline
    assert nuage_baseline is not None and nuage_baseline.hosting_countries == ("US",)
    code, out = gate(repo, "2027-01-05", capsys)
    assert code == 0, out
    assert fails_by_tool(repo) == NO_FAILURE
