"""The whole pipeline through the library API, on sites of the test web."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rgpd_check import api
from rgpd_check.errors import InputError
from rgpd_check.facts import validate_facts
from rgpd_check.schemas import report_errors
from tests.helpers import audit_site
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

NONET = Path(__file__).parent / "fixtures" / "nonet"
SITES = Path(__file__).parent / "testweb" / "sites"


def test_audit_writes_three_schema_valid_reports_and_the_evidence(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.load_sites(SITES)
    result = audit_site(testweb, [testweb.url("edu-pad.test", https=True)], tmp_path, name="EduPad")
    assert {p.name for p in tmp_path.iterdir()} >= {
        "report.json",
        "report.md",
        "report.html",
        "facts.json",
        "evidence",
    }
    report = json.loads((tmp_path / "report.json").read_text())
    assert report_errors(report) == []
    assert validate_facts(result.facts) == []
    assert report["tool"] == {
        "id": "edupad",
        "name": "EduPad",
        "urls": [testweb.url("edu-pad.test", https=True)],
        "vendor": None,
    }
    assert report["lang"] == "fr" and report["context"]["is_default"] is True
    assert set(report["facts"]["documents"]["types"]) >= {"privacy_policy", "legal_notice", "terms"}
    assert {f["family"] for f in report["findings"]} == {
        "hosting",
        "dpa",
        "minors",
        "trackers",
        "security",
    }
    assert (
        "<html" in (tmp_path / "report.html").read_text()
        and "EduPad" in (tmp_path / "report.md").read_text()
    )


def test_unlocated_addresses_leave_location_rules_unknown(testweb: TestWeb, tmp_path: Path) -> None:
    """Loopback addresses have no country in the built-in data: never 'hosted in the EEA'."""
    testweb.load_sites(SITES)
    result = audit_site(testweb, [testweb.url("edu-pad.test", https=True)], tmp_path)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["HOST-001"].result == "unknown"
    assert "tool_non_eea_countries" not in result.facts["hosting"]
    assert result.classification.level not in ("recommande", "precautions")


def test_third_party_hosts_use_registrable_domains_of_special_use_names(
    testweb: TestWeb, tmp_path: Path
) -> None:
    page = (
        '<html><body><script src="https://cdn.tool.test:${HTTPS_PORT}/app.js"></script>'
        '<img src="https://pixel.tracker-ads.test:${HTTPS_PORT}/p.gif"></body></html>'
    )
    testweb.add_site(Site("www.tool.test", pages={"/": page}))
    result = audit_site(testweb, [testweb.url("www.tool.test", https=True)], tmp_path)
    trackers = result.facts["trackers"]
    assert trackers["third_party_domains"] == ["tracker-ads.test"]  # cdn.tool.test is first party


def test_evaluate_rebuilds_identical_facts_and_report_with_sockets_forbidden(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.load_sites(SITES)
    audit_site(testweb, [testweb.url("edu-pad.test", https=True)], tmp_path, name="EduPad")
    facts_before = (tmp_path / "facts.json").read_text()
    report_before = json.loads((tmp_path / "report.json").read_text())
    (tmp_path / "facts.json").unlink()
    (tmp_path / "report.json").unlink()
    env = {**os.environ, "PYTHONPATH": f"{NONET}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "network access is forbidden" in probe.stderr  # the guard really is active
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "evaluate", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "facts.json").read_text() == facts_before
    report_after = json.loads((tmp_path / "report.json").read_text())
    assert report_after == report_before


def test_evaluate_in_english_and_another_context(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.load_sites(SITES)
    audit_site(testweb, [testweb.url("classquiz.test", https=True)], tmp_path)
    result = api.evaluate(
        tmp_path, api.AuditOptions(lang="en", audience="teachers", school_level="lycee")
    )
    assert result.report["lang"] == "en" and result.report["context"]["audience"] == "teachers"
    assert result.report["level_label"] in (
        "Recommended",
        "Use with precautions",
        "Not recommended",
        "Prohibited",
        "To be verified",
    )
    assert "pupil_age_min" not in result.facts["context"]


def test_a_dead_site_is_reported_as_not_collected(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.set_dns_fault("gone.test", "nxdomain")
    result = audit_site(testweb, ["https://gone.test/"], tmp_path)
    assert not result.collected and result.exit_code == 3
    assert result.report["level"] == "a-verifier"
    assert result.report["collection"]["status"] == "failed"
    assert result.report["collection"]["failures"][0]["reason"] == "dns_nxdomain"
    assert report_errors(json.loads((tmp_path / "report.json").read_text())) == []
    assert "documents" not in result.facts and "trackers" not in result.facts  # absent, not empty


def test_robots_refusal_of_the_policy_gives_a_verifier_not_green(
    testweb: TestWeb, tmp_path: Path
) -> None:
    home = (
        '<html><body><a href="/privacy">Privacy policy</a><a href="/terms">Terms</a></body></html>'
    )
    testweb.add_site(
        Site(
            "shy.test",
            robots_txt="User-agent: *\nDisallow: /privacy\n",
            pages={"/": home, "/privacy": "secret", "/terms": "<p>Terms</p>"},
        )
    )
    result = audit_site(testweb, [testweb.url("shy.test", https=True)], tmp_path)
    assert "/privacy" not in testweb.paths_for("shy.test")
    assert result.facts["crawl"]["complete"] is False
    assert result.facts["documents"]["types_unreadable"] == ["privacy_policy"]
    assert result.report["level"] == "a-verifier"
    not_read = result.report["scope"]["documents_not_read"]
    assert any(
        d["reason"] == "robots_disallowed" and d["type"] == "privacy_policy" for d in not_read
    )


def test_server_errors_on_documents_are_recorded_per_url(testweb: TestWeb, tmp_path: Path) -> None:
    home = (
        '<html><body><a href="/cgu">CGU</a>'
        '<a href="/confidentialite">Confidentialité</a></body></html>'
    )
    testweb.add_site(
        Site(
            "err.test",
            pages={"/": home, "/cgu": Route(status=500), "/confidentialite": Route(status=503)},
        )
    )
    result = audit_site(testweb, [testweb.url("err.test")], tmp_path, crawl={"retries": 0})
    reasons = {f["url"].rsplit("/", 1)[-1]: f["reason"] for f in result.facts["crawl"]["failures"]}
    assert reasons["cgu"] == "http_500" and reasons["confidentialite"] == "http_503"
    assert result.report["collection"]["complete"] is False
    # Plain-HTTP site: the security finding alone is conclusive; otherwise it would be a-verifier.
    assert result.report["level"] == "deconseille"
    assert [r["rule"] for r in result.report["reasons"]] == ["SEC-001"]


@pytest.mark.parametrize("url", ["ftp://x.test/", "not a url", "http://", "https://x.test:99999/"])
def test_bad_urls_are_input_errors(url: str, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        api.audit([url], tmp_path)


def test_tool_names_cannot_escape_the_output_folder(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={"/": "x"}))
    result = audit_site(testweb, [testweb.url("tool.test")], tmp_path, name="../../etc/passwd")
    assert result.report["tool"]["id"] == "etc-passwd"


def test_a_reader_cache_gives_identical_facts_on_the_next_evaluation(
    testweb: TestWeb, tmp_path: Path
) -> None:
    """Nightly re-audits reuse readings of unchanged documents: same facts, byte for byte."""
    testweb.load_sites(SITES)
    out, cache = tmp_path / "audit", tmp_path / "cache"
    audit_site(testweb, [testweb.url("edu-pad.test", https=True)], out, name="EduPad")
    plain = (out / "facts.json").read_text()
    assert api.evaluate(out, api.AuditOptions(reader_cache=cache)).facts
    entries = sorted(cache.rglob("*.json"))
    assert entries, "every read document is kept"
    assert (out / "facts.json").read_text() == plain
    stamps = [e.stat().st_mtime_ns for e in entries]
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "evaluate", str(out), "--reader-cache", str(cache)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (out / "facts.json").read_text() == plain
    assert [e.stat().st_mtime_ns for e in sorted(cache.rglob("*.json"))] == stamps  # hits
