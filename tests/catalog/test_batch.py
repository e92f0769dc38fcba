"""Batch audits over the test web: concurrency, a failing site, politeness, resume."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rgpd_check import api
from rgpd_check.catalog import layout
from rgpd_check.catalog.batch import (
    AUDITED,
    FAILED,
    SKIPPED,
    BatchOptions,
    ToolOutcome,
    audit_catalog,
)
from rgpd_check.catalog.loader import load_catalog
from rgpd_check.catalog.lock import batch_lock
from rgpd_check.catalog.model import Tool
from rgpd_check.cli import main
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.errors import InputError
from rgpd_check.evidence.bundle import Bundle
from tests.catalog.fakes import write_tool
from tests.helpers import cli_network_args, net_options
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb
from tests.trackers.support import FAST_BROWSER, needs_chromium

ROOT = Path(__file__).resolve().parents[2]
HOME = """<!doctype html><html lang="fr"><head><title>{name}</title></head><body>
<main><h1>{name}</h1><p>Un outil pour la classe.</p></main>
<footer><a href="/confidentialite">Politique de confidentialité</a></footer></body></html>"""
POLICY = """<!doctype html><html lang="fr"><head><title>Politique de confidentialité</title>
</head><body><h1>Politique de confidentialité</h1><p>Les données sont hébergées en France.</p>
</body></html>"""


def add_tool_site(web: TestWeb, host: str, **home: Route | str) -> None:
    pages: dict[str, Route | str] = {"/": HOME.format(name=host), "/confidentialite": POLICY}
    pages.update(home)
    web.add_site(Site(host, pages=pages))


def base_options(web: TestWeb) -> api.AuditOptions:
    crawl = CrawlOptions(delay=0, time_budget=30, probe_http=False, well_known=False)
    return api.AuditOptions(net=net_options(web), crawl=crawl, formats=("json", "html"))


class Recorder:
    """A listener that keeps the order of events (no timing involved)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def planned(self, to_audit: list[Tool], skipped: list[ToolOutcome]) -> None:
        self.events.append(("planned", ",".join(t.id for t in to_audit)))

    def started(self, tool: Tool) -> None:
        self.events.append(("started", tool.id))

    def finished(self, outcome: ToolOutcome) -> None:
        self.events.append(("finished", outcome.tool.id))


def test_batch_with_a_failing_site_then_resume_and_since(testweb: TestWeb, tmp_path: Path) -> None:
    add_tool_site(testweb, "alpha.test")
    add_tool_site(testweb, "beta.test")
    cat = tmp_path / "catalog"
    write_tool(
        cat, "alpha", url=testweb.url("alpha.test"), documents=False,
        extra=(
            "stance:\n  who: Rectorat fictif\n  what: Ne pas utiliser.\n"
            "  source: https://rectorat.example/note\n  date: 2025-03\n  level: a-proscrire\n"
            "  unverified: true\n"
        ),
    )  # fmt: skip
    write_tool(cat, "beta", url=testweb.url("beta.test"), documents=False, levels="lycee, ecole")
    write_tool(cat, "broken", url=testweb.url("broken.test"), documents=False)
    catalog = load_catalog(cat)
    reports = tmp_path / "reports"
    options = BatchOptions(jobs=3, audit=base_options(testweb))

    result = audit_catalog(catalog, reports, options)
    status = {o.tool.id: o.status for o in result.outcomes}
    assert status == {"alpha": AUDITED, "beta": AUDITED, "broken": FAILED}
    assert result.exit_code == 1
    for tool_id in ("alpha", "beta"):
        pointer = reports / tool_id / "latest"
        assert pointer.is_file() and not pointer.is_symlink()
        run_dir = reports / tool_id / pointer.read_text().strip()
        assert (run_dir / "report.json").is_file() and (run_dir / "report.html").is_file()
        assert json.loads((run_dir / "evidence" / "manifest.json").read_text())["status"] == (
            "complete"
        )
    alpha = json.loads((layout.latest(reports, "alpha").path / "report.json").read_text())  # type: ignore[union-attr]
    assert alpha["level"] == "a-proscrire" and alpha["override"]["who"] == "Rectorat fictif"
    beta = json.loads((layout.latest(reports, "beta").path / "report.json").read_text())  # type: ignore[union-attr]
    assert beta["context"]["school_level"] == "ecole"  # the youngest pupils are audited
    assert not (reports / "broken" / "latest").exists()
    [failed] = layout.runs(reports, "broken")
    assert failed.status == "failed" and "collect" in failed.data["reason"]

    # Run again: complete audits are kept, the failed tool is retried.
    testweb.clear_log()
    again = audit_catalog(catalog, reports, options)
    assert {o.tool.id: o.status for o in again.outcomes} == {
        "alpha": SKIPPED, "beta": SKIPPED, "broken": FAILED,
    }  # fmt: skip
    assert testweb.requests_for("alpha.test") == []
    assert len(layout.runs(reports, "broken")) == 2

    # --since after the last audit: alpha is audited again, history keeps both.
    since = datetime.now(UTC) + timedelta(seconds=1)
    time.sleep(1.1)  # timestamp folders have a one-second resolution
    third = audit_catalog(
        catalog, reports, dataclasses.replace(options, only=("alpha",), since=since)
    )
    assert [(o.tool.id, o.status) for o in third.outcomes] == [("alpha", AUDITED)]
    history = layout.runs(reports, "alpha")
    assert len(history) == 2 and layout.latest(reports, "alpha") == history[-1]


def test_tools_sharing_a_domain_never_run_together(testweb: TestWeb, tmp_path: Path) -> None:
    for host in ("one.shared.test", "two.shared.test", "other.test"):
        add_tool_site(testweb, host)
    cat = tmp_path / "catalog"
    for tool_id, host in (
        ("one", "one.shared.test"),
        ("two", "two.shared.test"),
        ("other", "other.test"),
    ):
        write_tool(cat, tool_id, url=testweb.url(host), documents=False)
    recorder = Recorder()
    result = audit_catalog(
        load_catalog(cat), tmp_path / "r", BatchOptions(jobs=3, audit=base_options(testweb)),
        recorder,
    )  # fmt: skip
    assert result.exit_code == 0
    order = [e for e in recorder.events if e[0] != "planned"]
    one = (order.index(("started", "one")), order.index(("finished", "one")))
    two = (order.index(("started", "two")), order.index(("finished", "two")))
    assert one[1] < two[0] or two[1] < one[0], order
    # The unrelated tool started while the first shared one was running.
    assert order.index(("started", "other")) < max(one[1], two[1])


def test_interrupted_batch_resumes(testweb: TestWeb, tmp_path: Path) -> None:
    add_tool_site(testweb, "fast.test")
    add_tool_site(testweb, "slow.test", **{"/": Route(body=HOME.format(name="slow"), delay=60)})
    cat = tmp_path / "catalog"
    write_tool(cat, "a-fast", url=testweb.url("fast.test"), documents=False)
    write_tool(cat, "b-slow", url=testweb.url("slow.test"), documents=False)
    reports = tmp_path / "reports"
    args = [sys.executable, "-m", "rgpd_check", "catalog", "audit", str(cat), "--out",
            str(reports), "--jobs", "1", *cli_network_args(testweb), "--timeout", "90"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert testweb.wait_until(
            lambda: (
                (reports / "a-fast" / "latest").exists()
                and any(r.path == "/" for r in testweb.requests_for("slow.test"))
            ),
            timeout=60,
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    [killed] = layout.incomplete_runs(reports, "b-slow")
    assert layout.latest(reports, "b-slow") is None

    testweb.add_page("slow.test", "/", HOME.format(name="slow"))
    result = audit_catalog(
        load_catalog(cat), reports, BatchOptions(jobs=1, audit=base_options(testweb))
    )
    assert {o.tool.id: o.status for o in result.outcomes} == {"a-fast": SKIPPED, "b-slow": AUDITED}
    assert result.cleaned == [killed]
    assert layout.incomplete_runs(reports, "b-slow") == []
    [run] = layout.runs(reports, "b-slow")  # the killed run left nothing behind
    assert run.complete and layout.latest(reports, "b-slow") == run


def test_cli_exit_codes(
    testweb: TestWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_tool_site(testweb, "ok.test")
    cat = tmp_path / "catalog"
    write_tool(cat, "ok", url=testweb.url("ok.test"), documents=False)
    reports = tmp_path / "reports"
    base = ["catalog", "audit", str(cat), "--out", str(reports), *cli_network_args(testweb)]

    def run(*extra: str) -> int:
        with pytest.raises(SystemExit) as exited:
            main([*base, *extra])
        return int(exited.value.code or 0)

    assert run() == 0
    out = capsys.readouterr()
    assert "ok" in out.err and "audité" in out.err
    assert run("--only", "nope") == 2
    assert "nope" in capsys.readouterr().err
    assert run("--since", "hier") == 2
    with batch_lock(reports):
        assert run() == 2
    assert "autre audit" in capsys.readouterr().err
    write_tool(cat, "down", url=testweb.url("down.test"), documents=False)
    assert run() == 1


def test_shards_audit_disjoint_halves_that_merge_by_copying(
    testweb: TestWeb, tmp_path: Path
) -> None:
    import shutil

    cat = tmp_path / "catalog"
    ids = ["alpha", "bravo", "charlie", "delta", "echo"]
    for tool_id in ids:
        add_tool_site(testweb, f"{tool_id}.test")
        write_tool(cat, tool_id, url=testweb.url(f"{tool_id}.test"), documents=False)
    catalog = load_catalog(cat)
    merged = tmp_path / "merged"
    seen: list[str] = []
    for k in (1, 2):
        reports = tmp_path / f"shard{k}"
        options = BatchOptions(jobs=2, shard=(k, 2), audit=base_options(testweb))
        result = audit_catalog(catalog, reports, options)
        audited = sorted(o.tool.id for o in result.outcomes if o.status == AUDITED)
        seen += audited
        assert len(audited) in (2, 3)
        for folder in reports.iterdir():
            if folder.is_dir() and folder.name in ids:
                shutil.copytree(folder, merged / folder.name)
    assert sorted(seen) == ids
    assert all(layout.latest(merged, tool_id) is not None for tool_id in ids)


def test_batch_survives_a_fifth_of_faulty_tools_and_every_tool_gets_a_report(
    testweb: TestWeb, tmp_path: Path
) -> None:
    """Issue 10 (batch survival) at test size; benchmarks/ runs the same with 200 tools."""
    cat = tmp_path / "catalog"
    faults: dict[str, Route | None] = {
        "f-nxdomain": None,
        "f-500": Route(status=500),
        "f-drop": Route(fault="drop"),
        "f-loop": Route(redirect="/"),
        "f-reset": Route(fault="reset_mid_body", body="x" * 20_000),
        "f-slow": Route(body="x", delay=12),
    }
    healthy = [f"ok-{i:02d}" for i in range(24)]
    for tool_id in healthy:
        add_tool_site(testweb, f"{tool_id}.test")
        write_tool(cat, tool_id, url=testweb.url(f"{tool_id}.test", https=True), documents=False)
    for tool_id, route in faults.items():
        if route is None:
            testweb.set_dns_fault(f"{tool_id}.test", "nxdomain")
        else:
            add_tool_site(testweb, f"{tool_id}.test", **{"/": route})
        write_tool(cat, tool_id, url=testweb.url(f"{tool_id}.test", https=True), documents=False)
    audit = dataclasses.replace(
        base_options(testweb),
        net=net_options(testweb, response_timeout=6, read_timeout=4),
        crawl=CrawlOptions(delay=0, time_budget=30, probe_http=False, well_known=False),
    )
    result = audit_catalog(
        load_catalog(cat), tmp_path / "reports", BatchOptions(jobs=6, audit=audit)
    )
    statuses = {o.tool.id: o.status for o in result.outcomes}
    assert len(statuses) == 30 and all(statuses[t] == AUDITED for t in healthy)
    for tool_id in [*healthy, *faults]:
        runs = layout.runs(tmp_path / "reports", tool_id)
        assert runs, tool_id
        report = json.loads((runs[-1].path / "report.json").read_text())
        if tool_id in faults:
            assert report["level"] == "a-verifier", tool_id
            assert report["collection"]["failures"], tool_id


def test_analysis_in_worker_processes_gives_the_same_reports(
    testweb: TestWeb, tmp_path: Path
) -> None:
    """`--processes N` moves the pure analysis to spawned interpreters: same verdicts."""
    add_tool_site(testweb, "gamma.test")
    add_tool_site(testweb, "delta.test")
    cat = tmp_path / "catalog"
    write_tool(cat, "gamma", url=testweb.url("gamma.test"), documents=False)
    write_tool(cat, "delta", url=testweb.url("delta.test"), documents=False)
    catalog = load_catalog(cat)
    reports: dict[int, dict[str, dict[str, object]]] = {}
    for processes in (0, 2):
        out = tmp_path / f"reports-{processes}"
        options = BatchOptions(jobs=2, processes=processes, audit=base_options(testweb))
        result = audit_catalog(catalog, out, options)
        assert {o.status for o in result.outcomes} == {AUDITED}
        reports[processes] = {
            tool: json.loads((layout.latest(out, tool).path / "report.json").read_text())  # type: ignore[union-attr]
            for tool in ("gamma", "delta")
        }
    for tool in ("gamma", "delta"):
        thread, process = reports[0][tool], reports[2][tool]
        assert thread["findings"]
        assert process["level"] == thread["level"]
        assert [f["rule"] for f in process["findings"]] == [  # type: ignore[union-attr]
            f["rule"] for f in thread["findings"]  # type: ignore[union-attr]
        ]


def test_negative_processes_is_a_clear_error(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    write_tool(cat, "one", url="https://one.test/", documents=False)
    with pytest.raises(InputError, match="processes"):
        audit_catalog(load_catalog(cat), tmp_path / "r", BatchOptions(processes=-1))


@pytest.mark.browser
@needs_chromium
def test_a_browser_batch_shares_one_chromium_launch(testweb: TestWeb, tmp_path: Path) -> None:
    add_tool_site(testweb, "epsilon.test")
    add_tool_site(testweb, "zeta.test")
    cat = tmp_path / "catalog"
    write_tool(cat, "epsilon", url=testweb.url("epsilon.test"), documents=False)
    write_tool(cat, "zeta", url=testweb.url("zeta.test"), documents=False)
    audit = dataclasses.replace(
        base_options(testweb), browser=True, browser_options={**FAST_BROWSER, "keylog": False}
    )
    out = tmp_path / "reports"
    result = audit_catalog(load_catalog(cat), out, BatchOptions(jobs=2, audit=audit))
    assert {o.status for o in result.outcomes} == {AUDITED}
    for tool in ("epsilon", "zeta"):
        run = layout.latest(out, tool)
        assert run is not None
        entries = Bundle.open(Path(run.path)).entries("browser.jsonl")
        [session] = [e for e in entries if e["kind"] == "session"]
        assert session["browser_shared"] is True and session["fresh_context"] is True


def test_cli_reader_cache_and_processes_reach_the_batch(testweb: TestWeb, tmp_path: Path) -> None:
    add_tool_site(testweb, "eta.test")
    cat = tmp_path / "catalog"
    write_tool(cat, "eta", url=testweb.url("eta.test"), documents=False)
    cache = tmp_path / "reader-cache"
    args = ["catalog", "audit", str(cat), "--out", str(tmp_path / "reports"),
            *cli_network_args(testweb), "--reader-cache", str(cache),
            "--processes", "1"]  # fmt: skip
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 0
    assert list(cache.rglob("*.json")), "the policy's reading is kept for the next night"
