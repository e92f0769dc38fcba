"""The ready-to-use integration: GitLab and GitHub templates, pre-commit hooks, the example
academy repository. The GitLab job that fetches the last audit's evidence is run against a
fake GitLab API on loopback."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.gate.sites import run_cli

ROOT = Path(__file__).parents[2]
GITLAB = ROOT / "templates" / "gitlab-ci.yml"
GITHUB = ROOT / "templates" / "github-actions.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def commands(script: list[str]) -> list[list[str]]:
    """The rgpd-check command lines of a job (folded lines joined)."""
    found = []
    for line in script:
        text = " ".join(line.split())
        if text.startswith("rgpd-check "):
            found.append(shlex.split(text))
    return found


def test_gitlab_template_jobs() -> None:
    ci = load(GITLAB)
    assert ci["stages"] == ["validate", "gate"]
    [[validate]] = [commands(ci["rgpd-check:validate"]["script"])]
    assert validate[:3] == ["rgpd-check", "ci", "validate"]
    # Nightly: live audit, evidence kept as artifacts (never committed), reports wired.
    audit = ci["rgpd-check:audit"]
    [live] = commands(audit["script"])
    assert "--live" in live and "--reports" in live
    assert {r["if"] for r in audit["rules"]} >= {'$CI_PIPELINE_SOURCE == "schedule"'}
    assert "$RGPD_CHECK_REPORTS/" in audit["artifacts"]["paths"]
    assert audit["artifacts"]["when"] == "always"
    assert audit["artifacts"]["reports"] == {
        "junit": "rgpd-check-junit.xml", "codequality": "gl-code-quality-report.json"}
    # Merge requests: offline on the fetched evidence, same outputs.
    gate = ci["rgpd-check:gate"]
    [offline] = commands(gate["script"])
    assert "--live" not in offline
    for flag in ("--junit", "--gitlab-codequality", "--sarif", "--markdown"):
        assert flag in live and flag in offline
    assert any("merge_request_event" in r["if"] for r in gate["rules"])
    assert gate["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "reports" not in " ".join(gate["artifacts"]["paths"])
    # Both jobs keep document readings in the job cache (an unchanged policy is read once).
    cache_dir = ci["variables"]["RGPD_CHECK_READER_CACHE"]
    assert cache_dir.startswith("$CI_PROJECT_DIR/")
    assert cache_dir.removeprefix("$CI_PROJECT_DIR/") in ci[".rgpd-check"]["cache"]["paths"]


def test_the_example_academy_uses_the_template() -> None:
    example = ROOT / "examples" / "academy"
    assert (example / ".gitlab-ci.yml").read_text("utf-8") == GITLAB.read_text("utf-8")
    readme = (example / "README.md").read_text("utf-8")
    assert "rgpd-check ci pin approved.yaml --reports reports" in readme


def test_the_example_list_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ci", "validate", str(ROOT / "examples" / "academy" /
                                                  "approved.yaml")], capsys)
    assert code == 0 and "3 outil(s)" in out


class _FakeGitLab(BaseHTTPRequestHandler):
    """Just the two job-artifact endpoints the template uses."""

    archive = b""
    seen: list[str] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        self.seen.append(self.path)
        if url.path == "/api/v4/projects/42/jobs" and self.headers["PRIVATE-TOKEN"] == "tok":
            query = parse_qs(url.query)
            assert query["scope[]"] == ["success", "failed"]
            jobs = [
                {"id": 9, "name": "rgpd-check:gate", "ref": "main", "artifacts_file": {}},
                {"id": 8, "name": "rgpd-check:audit", "ref": "feature", "artifacts_file": {}},
                {"id": 7, "name": "rgpd-check:audit", "ref": "main", "status": "failed",
                 "artifacts_file": {"filename": "artifacts.zip"}},
            ]
            self._send(200, json.dumps(jobs if query["page"] == ["1"] else []).encode(),
                       "application/json")
        elif url.path == "/api/v4/projects/42/jobs/7/artifacts" and self.headers["PRIVATE-TOKEN"]:
            self._send(200, self.archive, "application/zip")
        elif (url.path == "/api/v4/projects/42/jobs/artifacts/main/download"
              and parse_qs(url.query)["job"] == ["rgpd-check:audit"]
              and self.headers["JOB-TOKEN"] == "job-tok"):
            self._send(200, self.archive, "application/zip")
        else:
            self._send(404, b'{"message":"404 Not found"}', "application/json")


@pytest.fixture
def fake_gitlab() -> Iterator[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("reports/pad/latest", "20260101T000000Z\n")
        archive.writestr("reports/pad/20260101T000000Z/report.json", "{}")
        archive.writestr("rgpd-check-summary.md", "# old summary")
    _FakeGitLab.archive = buffer.getvalue()
    _FakeGitLab.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("auth", [{"RGPD_CHECK_API_TOKEN": "tok"}, {"CI_JOB_TOKEN": "job-tok"}])
def test_the_gate_job_fetches_the_last_audit_evidence(fake_gitlab: str, tmp_path: Path,
                                                      auth: dict[str, str]) -> None:
    [fetch] = [s for s in load(GITLAB)["rgpd-check:gate"]["script"] if "<<'PY'" in s]
    env = {key: value for key, value in os.environ.items()
           if not key.lower().endswith("_proxy")}
    env.update(CI_API_V4_URL=fake_gitlab, CI_PROJECT_ID="42", CI_DEFAULT_BRANCH="main",
               RGPD_CHECK_REPORTS="reports", RGPD_CHECK_AUDIT_JOB="rgpd-check:audit", **auth)
    done = subprocess.run(["sh", "-c", fetch], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2 files of the last audit in reports/" in done.stdout
    assert (tmp_path / "reports" / "pad" / "latest").read_text() == "20260101T000000Z\n"
    assert not (tmp_path / "rgpd-check-summary.md").exists()  # only the evidence is taken
    if "RGPD_CHECK_API_TOKEN" in auth:  # the failed nightly job is found and used
        assert any(p.endswith("/jobs/7/artifacts") for p in _FakeGitLab.seen)


def test_the_gate_job_says_why_when_nothing_can_be_fetched(fake_gitlab: str,
                                                           tmp_path: Path) -> None:
    [fetch] = [s for s in load(GITLAB)["rgpd-check:gate"]["script"] if "<<'PY'" in s]
    env = {key: value for key, value in os.environ.items()
           if not key.lower().endswith("_proxy")}
    env.update(CI_API_V4_URL=fake_gitlab, CI_PROJECT_ID="42", CI_DEFAULT_BRANCH="main",
               CI_JOB_TOKEN="wrong")
    done = subprocess.run(["sh", "-c", fetch], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and "RGPD_CHECK_API_TOKEN" in done.stderr


def test_github_workflow() -> None:
    workflow = load(GITHUB)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert workflow["permissions"]["security-events"] == "write"
    audit, gate = workflow["jobs"]["audit"], workflow["jobs"]["gate"]
    assert "schedule" in audit["if"] and "pull_request" in gate["if"]
    audit_runs = [" ".join(s.get("run", "").split()) for s in audit["steps"]]
    gate_runs = [" ".join(s.get("run", "").split()) for s in gate["steps"]]
    assert any("--live" in r and "$GITHUB_STEP_SUMMARY" in r for r in audit_runs)
    assert any(r.startswith("rgpd-check ci \"$RGPD_CHECK_LIST\" --reports") and "--live" not in r
               for r in gate_runs)
    assert any("gh run download" in r for r in gate_runs)
    uploads = [s for s in audit["steps"] if str(s.get("uses", "")).startswith(
        "actions/upload-artifact")]
    assert uploads[0]["with"]["name"] == "rgpd-check-reports" and uploads[0]["if"] == "always()"
    assert any("upload-sarif" in str(s.get("uses")) for s in gate["steps"])


def test_pre_commit_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    hooks = {hook["id"]: hook for hook in load(HOOKS)}
    assert set(hooks) == {"rgpd-check-approved", "rgpd-check-rules", "rgpd-check-catalog"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
        # Each entry is a real command of this CLI.
        code, out, _ = run_cli([*hook["entry"].split()[1:], "--help"], capsys)
        assert code == 0 and "Usage:" in out
    approved = re.compile(hooks["rgpd-check-approved"]["files"])
    assert approved.search("approved.yaml") and approved.search("lists/approved-college.yml")
    assert not approved.search("catalog/digipad.yaml")
    rules = re.compile(hooks["rgpd-check-rules"]["files"])
    assert rules.search("rules/dpa.yaml") and not rules.search("rules/data/countries.yaml")
    assert hooks["rgpd-check-catalog"]["pass_filenames"] is False
    code, _, err = run_cli(["ci", "validate", str(ROOT / "tests" / "gate" / "test_pin.py")],
                           capsys)
    assert code == 2 and "test_pin.py:1:3: YAML syntax error" in err


def test_with_the_consumers_own_validators_when_installed() -> None:
    """pre-commit's manifest schema and check-jsonschema's GitLab/GitHub schemas (optional
    dev tools: skipped when absent)."""
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_manifest(str(HOOKS))
    pytest.importorskip("check_jsonschema")
    for schema, path in (("vendor.gitlab-ci", GITLAB), ("vendor.github-workflows", GITHUB)):
        done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                               str(path)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr


def test_docs_describe_the_integration() -> None:
    docs = (ROOT / "docs" / "ci-gate.md").read_text("utf-8")
    for needle in ("templates/gitlab-ci.yml", "templates/github-actions.yml",
                   ".pre-commit-hooks.yaml", "examples/academy/", "RGPD_CHECK_API_TOKEN",
                   "--gitlab-codequality", "rgpd-check ci pin", "normalisation-changed"):
        assert needle in docs
