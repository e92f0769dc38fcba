"""The gate on real audits of the test web: each failure reason, offline without network, live
mode, pinning and exit codes through the command line."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rgpd_check.gate import GateOptions, load_approved, pin
from rgpd_check.gate.reports import latest_audit
from tests.gate.sites import audit_tool, home, run_cli, tool_site
from tests.helpers import cli_network_args
from tests.testweb import TestWeb

RULES = Path(__file__).parent / "fixtures" / "rules"
ROOT = Path(__file__).parents[2]


def entry(name: str, url: str, *, accepted: str = "a-proscrire", review_by: str = "2030-01-01",
          extra: str = "") -> str:
    return textwrap.dedent(f"""\
      - name: {name}
        url: {url}
        accepted_level: {accepted}
        context: {{audience: teachers}}
        conditions: ["comptes enseignants uniquement"]
        approved_by: DANE
        approved_on: 2026-01-05
        review_by: {review_by}
    """).replace("\n", "\n  ").rstrip(" ") + extra


def write_list(path: Path, *entries: str) -> Path:
    path.write_text("version: 1\ntools:\n  " + "  ".join(entries), encoding="utf-8")
    load_approved(path)  # the test writes valid lists
    return path


def test_a_stricter_rule_and_a_waiver_offline(web: TestWeb, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    web.add_site(tool_site("pad.test", "Pad"))
    audit_tool(web, reports, "pad", "Pad", "pad.test", audience="teachers",
               ip_data=(tmp_path / "ip2asn.tsv",))
    url = web.url("pad.test", https=True)
    approved = write_list(tmp_path / "approved.yaml", entry("Pad", url, accepted="precautions"))
    base = ["ci", str(approved), "--reports", str(reports), "--today", "2026-06-01"]
    pin_args = ["ci", "pin", str(approved), "--reports", str(reports), "--today", "2026-06-01"]
    assert run_cli(pin_args, capsys)[0] == 0
    code, out, _ = run_cli(base, capsys)
    assert code == 0, out  # built-in rules: "to be verified" at worst, a warning

    # A merge request adds the academy's own rule: the stored evidence now fails.
    code, out, _ = run_cli([*base, "--rules", str(RULES)], capsys)
    assert code == 1 and "[level-worse]" in out and "HSTS de moins de deux ans" in out

    # The academy accepts that finding until the end of the year.
    waived = write_list(tmp_path / "approved.yaml", entry(
        "Pad", url, accepted="precautions",
        extra="    waivers:\n      - {finding: ACAD-001, until: 2026-12-31,"
              " reason: \"HSTS d'un an accepté (courriel du 2026-05-30)\"}\n"))
    code, out, _ = run_cli([*base, "--rules", str(RULES), "--verbose"], capsys)
    assert code == 0 and "[waivers-applied]" in out and "ACAD-001" in out
    code, out, _ = run_cli(["ci", str(waived), "--reports", str(reports), "--rules", str(RULES),
                            "--today", "2027-01-02"], capsys)
    assert code == 1 and "[waiver-expired]" in out and "[level-worse]" in out
    assert "approved.yaml:12 [waiver-expired]" in out


SITECUSTOMIZE = """\
import socket

def _refuse(*args, **kwargs):
    raise OSError("network forbidden in this test")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
"""


def test_offline_mode_never_touches_the_network(web: TestWeb, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    web.add_site(tool_site("pad.test", "Pad"))
    audit_tool(web, reports, "pad", "Pad", "pad.test", audience="teachers",
               ip_data=(tmp_path / "ip2asn.tsv",))
    approved = write_list(tmp_path / "approved.yaml",
                          entry("Pad", web.url("pad.test", https=True)))
    pin(approved, GateOptions(reports=reports, today=dt.date(2026, 6, 1)))
    guard = tmp_path / "no-network"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT)]),
           "RGPD_CHECK_TODAY": "2026-06-01"}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('x', 1)"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "network forbidden" in probe.stderr
    outputs = {name: tmp_path / name for name in ("r.xml", "r.sarif", "cq.json", "r.md")}
    done = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "ci", str(approved), "--reports", str(reports),
         "--junit", str(outputs["r.xml"]), "--sarif", str(outputs["r.sarif"]),
         "--gitlab-codequality", str(outputs["cq.json"]), "--markdown", str(outputs["r.md"])],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "network forbidden" not in done.stderr
    assert all(path.stat().st_size > 0 for path in outputs.values())
    # The stored audit is read, never rewritten.
    stored = latest_audit(reports, "pad")
    assert stored is not None and not (stored / "facts.json.tmp").exists()


def test_live_mode_reaudits_and_records_a_new_latest(web: TestWeb, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    web.add_site(tool_site("pad.test", "Pad"))
    approved = write_list(tmp_path / "approved.yaml",
                          entry("Pad", web.url("pad.test", https=True)))
    live = ["ci", str(approved), "--live", "--reports", str(reports), "--today", "2026-06-01",
            *cli_network_args(web), "--ip-data", str(tmp_path / "ip2asn.tsv")]
    code, out, err = run_cli(live, capsys)
    first = latest_audit(reports, "pad")
    assert first is not None and (first / "report.json").exists()
    assert "[no-baseline]" in out and code == 0, out + err
    assert run_cli(["ci", "pin", str(approved), "--reports", str(reports)], capsys)[0] == 0

    web.site("pad.test").pages["/"] = home("Pad", tracker=True)
    code, out, err = run_cli(live, capsys)
    second = latest_audit(reports, "pad")
    assert second is not None and second != first and first.exists()  # history is kept
    assert code == 1 and "[new-tracker]" in out and "www.googletagmanager.com" in out
    assert "[1/1] audit de / auditing pad" in err


def test_live_mode_fails_a_tool_whose_site_is_down(web: TestWeb, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    approved = write_list(tmp_path / "approved.yaml", entry("Gone", "https://gone.test/"))
    code, out, _ = run_cli(["ci", str(approved), "--live", "--reports", str(tmp_path / "r"),
                            *cli_network_args(web)], capsys)
    assert code == 1 and "[audit-failed]" in out
    assert latest_audit(tmp_path / "r", "gone") is None  # a failed audit never becomes latest


def test_exit_codes_and_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tools:\n  - id: pad\n    accepted_level: parfait\n", encoding="utf-8")
    code, _, err = run_cli(["ci", str(bad), "--reports", str(tmp_path)], capsys)
    assert code == 2 and "bad.yaml:3:21: accepted_level: 'parfait'" in err
    assert run_cli(["ci", "validate", str(bad)], capsys)[0] == 2

    good = write_list(tmp_path / "approved.yaml", entry("Pad", "https://pad.test/"))
    assert run_cli(["ci", "validate", str(good)], capsys)[0] == 0
    # No stored audit: the gate fails closed, naming the tool and its line.
    code, out, _ = run_cli(["ci", str(good), "--reports", str(tmp_path)], capsys)
    assert code == 1 and "[no-audit]" in out and "approved.yaml:3" in out
    assert run_cli(["ci", str(good), "--reports", str(tmp_path / "nope")], capsys)[0] == 2
    assert run_cli(["ci", str(good), "--reports", str(tmp_path), "--only", "x"], capsys)[0] == 2
    assert run_cli(["ci", str(good), "--today", "2026-02-30"], capsys)[0] == 2
    code, _, err = run_cli(["ci", str(good), "--reports", str(tmp_path),
                            "--out", str(tmp_path / "sub")], capsys)
    assert code == 2 and "--out" in err  # would overwrite the stored audits
    # Options have RGPD_CHECK_* equivalents.
    monkeypatch.setenv("RGPD_CHECK_TODAY", "2031-01-01")
    monkeypatch.setenv("RGPD_CHECK_REPORTS", str(tmp_path))
    monkeypatch.setenv("RGPD_CHECK_JUNIT", str(tmp_path / "env.xml"))
    code, out, _ = run_cli(["ci", str(good)], capsys)
    assert code == 1 and "[approval-expired]" in out and (tmp_path / "env.xml").exists()


def test_pin_reports_tools_without_an_audit(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    approved = write_list(tmp_path / "approved.yaml", entry("Pad", "https://pad.test/"))
    before = approved.read_text(encoding="utf-8")
    code, out, _ = run_cli(["ci", "pin", str(approved), "--reports", str(tmp_path)], capsys)
    assert code == 1 and "✘ pad" in out
    assert approved.read_text(encoding="utf-8") == before


def test_out_keeps_the_reevaluated_reports(web: TestWeb, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    web.add_site(tool_site("pad.test", "Pad"))
    audit_tool(web, reports, "pad", "Pad", "pad.test", audience="teachers")
    stored = latest_audit(reports, "pad")
    assert stored is not None
    before = (stored / "report.json").read_bytes()
    approved = write_list(tmp_path / "approved.yaml",
                          entry("Pad", web.url("pad.test", https=True)))
    out_dir = tmp_path / "reevaluated"
    for _ in range(2):  # a second run replaces the first one's output
        run_cli(["ci", str(approved), "--reports", str(reports), "--out", str(out_dir),
                 "--rules", str(RULES)], capsys)
    assert (out_dir / "pad" / "report.json").exists()
    assert (out_dir / "pad" / "evidence" / "manifest.json").exists()
    assert (stored / "report.json").read_bytes() == before  # the stored audit is untouched
    shutil.rmtree(out_dir)
    assert (stored / "evidence" / "manifest.json").exists()  # removing --out keeps evidence


def test_the_gate_keeps_document_readings_for_the_next_run(
        web: TestWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Offline re-evaluation reads the stored documents once; later runs reuse the readings."""
    reports = tmp_path / "reports"
    web.add_site(tool_site("pad.test", "Pad"))
    audit_tool(web, reports, "pad", "Pad", "pad.test", audience="teachers",
               ip_data=(tmp_path / "ip2asn.tsv",))
    approved = write_list(tmp_path / "approved.yaml",
                          entry("Pad", web.url("pad.test", https=True), accepted="precautions"))
    cache = tmp_path / "readings"
    base = ["ci", str(approved), "--reports", str(reports), "--today", "2026-06-01",
            "--reader-cache", str(cache)]
    first = run_cli(base, capsys)
    entries = sorted(cache.rglob("*.json"))
    assert entries, "the stored policy's reading is kept"
    stamps = [e.stat().st_mtime_ns for e in entries]
    assert run_cli(base, capsys)[:2] == first[:2]
    assert [e.stat().st_mtime_ns for e in sorted(cache.rglob("*.json"))] == stamps  # all hits
