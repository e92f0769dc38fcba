"""The evidence bundle: manifest, hashes, verify, tampering, interruption, reruns."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rgpd_check.evidence.bundle import Bundle
from rgpd_check.evidence.verify import verify_bundle
from rgpd_check.evidence.warc import read_responses
from tests.helpers import audit_site, cli_network_args
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

PAGE = '<html lang="fr"><body><a href="/confidentialite">Confidentialité</a></body></html>'


def small_site(web: TestWeb) -> str:
    web.add_site(Site("tool.test", pages={"/": PAGE, "/confidentialite": "<p>Politique</p>"}))
    return web.url("tool.test", https=True)


def test_manifest_lists_every_file_with_its_hash(testweb: TestWeb, tmp_path: Path) -> None:
    audit_site(testweb, [small_site(testweb)], tmp_path)
    bundle = Bundle.open(tmp_path)
    manifest = bundle.manifest
    assert manifest["status"] == "complete" and manifest["ended_at"] >= manifest["started_at"]
    paths = {f["path"] for f in manifest["files"]}
    assert {"http.warc.gz", "dns.jsonl", "events.jsonl"} <= paths
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    assert manifest["rules_version"] and manifest["rgpd_check_version"]
    result = verify_bundle(tmp_path)
    assert result.ok, result.problems


def test_every_exchange_including_robots_is_in_the_warc_with_its_ip(
    testweb: TestWeb, tmp_path: Path
) -> None:
    audit_site(testweb, [small_site(testweb)], tmp_path)
    records = list(read_responses(tmp_path / "evidence" / "http.warc.gz"))
    urls = {r.url.split(":", 2)[-1].split("/", 1)[-1] for r in records}
    assert "robots.txt" in urls and "confidentialite" in urls
    assert all(r.ip == testweb.site("tool.test").ip for r in records)
    assert len(records) == len(testweb.requests_for("tool.test"))


def test_tampering_is_detected_and_named(testweb: TestWeb, tmp_path: Path) -> None:
    audit_site(testweb, [small_site(testweb)], tmp_path)
    dns_log = tmp_path / "evidence" / "dns.jsonl"
    dns_log.write_text(dns_log.read_text().replace("127.0.0", "127.0.9"))
    result = verify_bundle(tmp_path)
    assert not result.ok and any("dns.jsonl" in p and "SHA-256" in p for p in result.problems)
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "verify", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "dns.jsonl" in run.stdout


def test_a_corrupted_warc_record_is_detected(testweb: TestWeb, tmp_path: Path) -> None:
    audit_site(testweb, [small_site(testweb)], tmp_path)
    warc = tmp_path / "evidence" / "http.warc.gz"
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0xFF
    warc.write_bytes(bytes(data))
    problems = verify_bundle(tmp_path).problems
    assert any("http.warc.gz" in p for p in problems)


def test_missing_and_extra_files_are_reported(testweb: TestWeb, tmp_path: Path) -> None:
    audit_site(testweb, [small_site(testweb)], tmp_path)
    (tmp_path / "evidence" / "events.jsonl").unlink()
    (tmp_path / "evidence" / "files" / "planted.txt").write_text("x")
    problems = verify_bundle(tmp_path).problems
    assert any("events.jsonl" in p and "missing" in p for p in problems)
    assert any("planted.txt" in p for p in problems)


def test_no_bundle_is_a_usage_error(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "verify", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert (
        run.returncode == 2
        and "Traceback" not in run.stderr
        and len(run.stderr.strip().splitlines()) == 1
    )


def test_kill_9_mid_crawl_leaves_a_readable_incomplete_bundle_and_a_rerun_starts_fresh(
    testweb: TestWeb, tmp_path: Path
) -> None:
    links = "".join(f'<a href="/p{i}">Page {i}</a>' for i in range(10))
    pages: dict[str, Route | str] = {"/": f"<body>{links}</body>"}
    pages.update({f"/p{i}": Route(body="x", delay=0.5) for i in range(10)})
    testweb.add_site(Site("slow.test", pages=pages))
    out = tmp_path / "audit"
    args = [
        sys.executable,
        "-m",
        "rgpd_check",
        "audit",
        testweb.url("slow.test"),
        "--out",
        str(out),
        *cli_network_args(testweb),
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert testweb.wait_until(lambda: len(testweb.requests_for("slow.test")) >= 3, timeout=20)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    result = verify_bundle(out)
    assert not result.ok and result.status == "in_progress"
    assert any("incomplete" in p for p in result.problems)
    kept = list(read_responses(out / "evidence" / "http.warc.gz"))
    assert len(kept) >= 2  # what was written before the kill stays readable
    before = (out / "evidence" / "http.warc.gz").read_bytes()

    testweb.site("slow.test").pages.update({f"/p{i}": "x" for i in range(10)})
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert verify_bundle(out).ok
    previous = sorted(out.glob("evidence.previous-*"))
    assert len(previous) == 1 and (previous[0] / "http.warc.gz").read_bytes() == before
    assert json.loads((previous[0] / "manifest.json").read_text())["status"] == "in_progress"
