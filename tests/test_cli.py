"""The CLI as users and CI run it: exit codes, one-line errors, environment variables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rgpd_check.cli import cli
from tests.helpers import cli_network_args
from tests.testweb.model import Site
from tests.testweb.web import TestWeb

SITES = Path(__file__).parent / "testweb" / "sites"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rgpd_check", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["audit"],
        ["evaluate"],
        ["verify"],
        ["read"],
        ["rules"],
        ["rules", "validate"],
        ["rules", "test"],
    ],
)
def test_every_command_has_plain_language_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output) > 200


def test_audit_of_a_test_site_exits_0_and_prints_the_level(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.load_sites(SITES)
    result = run(
        "audit",
        testweb.url("classquiz.test", https=True),
        "--out",
        str(tmp_path),
        *cli_network_args(testweb),
        "--lang",
        "en",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["lang"] == "en" and report["level_label"] in result.stdout


def test_evaluate_after_audit_reuses_the_readings_from_the_user_cache(
    testweb: TestWeb, tmp_path: Path, _private_cache: Path
) -> None:
    """By default the audit keeps its readings in ~/.cache: evaluating it reads nothing again."""
    testweb.load_sites(SITES)
    out = tmp_path / "audit"
    audited = run("audit", testweb.url("edu-pad.test", https=True), "--out", str(out),
                  *cli_network_args(testweb), "--format", "json")  # fmt: skip
    assert audited.returncode == 0, audited.stderr
    cache = _private_cache / "rgpd-check" / "reader"
    entries = sorted(cache.rglob("*.json"))
    assert entries, "the audit keeps every document it read"
    stamps = [e.stat().st_mtime_ns for e in entries]
    facts = (out / "facts.json").read_text()
    evaluated = run("evaluate", str(out), "--format", "json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert (out / "facts.json").read_text() == facts
    assert [e.stat().st_mtime_ns for e in sorted(cache.rglob("*.json"))] == stamps  # all hits
    shutil.rmtree(cache)
    again = run("evaluate", str(out), "--format", "json", "--no-reader-cache")
    assert again.returncode == 0, again.stderr
    assert (out / "facts.json").read_text() == facts
    assert not cache.exists(), "--no-reader-cache writes nothing"


def test_options_come_from_environment_variables(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={"/": "<p>x</p>"}))
    env = {
        "RGPD_CHECK_DNS_SERVER": testweb.dns_server,
        "RGPD_CHECK_ALLOW_ADDRESS": "127.0.0.0/8",
        "RGPD_CHECK_DELAY": "0",
        "RGPD_CHECK_LANG": "en",
        "RGPD_CHECK_FORMAT": "json",
        "RGPD_CHECK_OUT": str(tmp_path),
        "RGPD_CHECK_BROWSER": "false",
    }
    result = run("audit", testweb.url("tool.test"), env=env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("report.*")) == ["report.json"]
    assert json.loads((tmp_path / "report.json").read_text())["lang"] == "en"


def test_bad_url_is_exit_2_in_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run("audit", "ftp://nope", "--out", str(tmp_path)), 2)


def test_unreadable_dns_server_option_is_exit_2(tmp_path: Path) -> None:
    assert_one_line_error(
        run("audit", "https://x.test/", "--out", str(tmp_path), "--dns-server", "dns.google"), 2
    )


def test_dead_site_is_exit_3_with_a_report(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.set_dns_fault("gone.test", "nxdomain")
    result = run("audit", "https://gone.test/", "--out", str(tmp_path), *cli_network_args(testweb))
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads((tmp_path / "report.json").read_text())["level"] == "a-verifier"


def test_a_rule_file_with_a_typo_is_exit_2_with_file_line_col(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "hosting.yaml").write_text(
        "family: hosting\nrules:\n  - id: HOST-901\n    kind: risk\n    severity: major\n"
        "    reliability: observed\n    title: {fr: Titre, en: Title}\n"
        "    recommendation: {fr: Faire, en: Do}\n    gdpr: ['44']\n"
        "    when: {fact: hosting.tool_countries, op: not-in, value: [FR]}\n"
        "    evidence: [hosting.tool_countries]\n"
        "    tests:\n      - {name: a, expect: match, facts: {hosting: {tool_countries: [US]}}}\n"
        "      - {name: b, expect: no_match, facts: {hosting: {tool_countries: [FR]}}}\n",
        encoding="utf-8",
    )
    result = run("rules", "validate", str(rules))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "hosting.yaml:10:" in result.stderr and "did you mean 'not_in'" in result.stderr
    audit = run("audit", "https://x.test/", "--out", str(tmp_path / "out"), "--rules", str(rules))
    assert audit.returncode == 2 and "hosting.yaml:10:" in audit.stderr
    assert not (tmp_path / "out" / "evidence").exists()  # nothing fetched with broken rules


def test_rules_validate_and_test_pass_on_the_built_in_rules() -> None:
    assert run("rules", "validate").returncode == 0
    result = run("rules", "test")
    assert result.returncode == 0, result.stdout
    assert " passed, 0 failed" in result.stdout.splitlines()[-1]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "audit", "ftp://nope", "--out", str(tmp_path))
    assert result.returncode == 2 and "Traceback" in result.stderr


DEV_DOCS = Path(__file__).parent / "corpus" / "dev" / "docs"


def test_read_a_word_dpa_lists_present_and_missing_art28_clauses() -> None:
    result = run("read", str(DEV_DOCS / "d05-fr-pedago-dpa-partiel.docx"))
    assert result.returncode == 0, result.stderr
    assert "g) suppression ou restitution" in result.stdout and "ABSENTE" in result.stdout


def test_read_json_has_quotes_with_offsets() -> None:
    result = run("read", str(DEV_DOCS / "d04-en-classroomcloud-dpa.pdf"), "--format", "json")
    assert result.returncode == 0, result.stderr
    signals = json.loads(result.stdout)["signals"]
    assert signals["role_processor"]["status"] == "affirmed"
    quote = signals["role_processor"]["quotes"][0]
    assert quote["end"] > quote["start"] and quote["text"]


def test_read_a_scanned_pdf_is_exit_2_never_all_clauses_missing() -> None:
    result = run("read", str(DEV_DOCS / "s25-fr-scanned.pdf"))
    assert_one_line_error(result, 2)
    assert "ABSENTE" not in result.stdout


def test_read_a_document_from_a_url_through_the_network_component(testweb: TestWeb) -> None:
    testweb.add_site(
        Site(
            "vendor.test",
            pages={"/dpa": "<h1>DPA</h1><p>We act as a processor on behalf of the school.</p>"},
        )
    )
    url = testweb.url("vendor.test", "/dpa")
    blocked = run("read", url, "--dns-server", testweb.dns_server)
    assert_one_line_error(blocked, 2)  # loopback refused by default
    assert "blocked_address" in blocked.stderr
    allowed = run(
        "read",
        url,
        "--dns-server",
        testweb.dns_server,
        "--allow-address",
        "127.0.0.0/8",
        "--format",
        "json",
    )
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["signals"]["role_processor"]["status"] == "affirmed"
