"""One static audit on the simulated web: wall time against its latency bound, CPU per stage.

    python -m benchmarks.bench_audit [--runs 3] [--latency 0.05] [--cpu-runs 5]

Part 1 runs the real ``api.audit`` with the polite defaults (``CrawlOptions()``: 1 s between
request starts on a host, 2 in flight) on tools of about ten documents, and prints each wall
time next to the bound a perfect client would need for the same requests.

Part 2 measures CPU per tool (process CPU of the audit call, imports and interpreter start-up
excluded) with the politeness delay and the latency at zero, so that waiting costs nothing,
and splits it per stage (see ``measure.STAGES``). The first audit of a process is shown apart:
it loads the rules, knowledge files and templates. The same tools are then audited again with
a reader cache (``--reader-cache``), as a nightly re-audit whose documents have not changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bounds import AUDIT_FORMULA, audit_bound, requests_per_host
from benchmarks.measure import FETCH_STAGE, Figure, StageClock, print_figures, save
from benchmarks.simweb import RemoteSimWeb
from rgpd_check import api
from rgpd_check.collect.crawler import CrawlOptions

CPU_LIMIT = 0.300
MAX_RATIO = 1.5


def polite_runs(runs: int, latency: float, work: Path) -> list[Figure]:
    figures: list[Figure] = []
    crawl = CrawlOptions()
    with RemoteSimWeb(tools=runs, latency=latency) as web:
        for index in range(runs):
            out = work / f"polite-{index}"
            started = time.monotonic()
            result = api.audit(web.urls(index), out, api.AuditOptions(net=web.net_options()))
            wall = time.monotonic() - started
            hosts = requests_per_host(out)
            bound = audit_bound(hosts, latency, crawl.delay, crawl.per_host)
            documents = len(result.facts.get("documents", {}).get("items", []))
            requests = {h.host: h.robots + h.pages for h in hosts}
            figures.append(Figure(
                f"static audit #{index + 1} ({documents} documents, polite defaults)", wall,
                "s", bound=bound, max_ratio=MAX_RATIO,
                note=f"requests per host {requests}", details={"requests": requests}))
    return figures


def cpu_runs(runs: int, work: Path) -> tuple[list[Figure], dict[str, float]]:
    crawl = CrawlOptions(delay=0)
    with RemoteSimWeb(tools=runs + 1, latency=0.0) as web:
        options = api.AuditOptions(net=web.net_options(), crawl=crawl)
        started = time.process_time()
        api.audit(web.urls(0), work / "cpu-cold", options)
        cold = time.process_time() - started
        per_audit: list[float] = []
        clock = StageClock()
        with clock.active():
            for index in range(1, runs + 1):
                started = time.process_time()
                api.audit(web.urls(index), work / f"cpu-{index}", options)
                per_audit.append(time.process_time() - started)
        # The same tools again, as a nightly re-audit: documents unchanged, readings cached.
        cached = dataclasses.replace(options, reader_cache=work / "reader-cache")
        for index in range(1, runs + 1):
            api.audit(web.urls(index), work / f"cpu-fill-{index}", cached)
        nightly: list[float] = []
        for index in range(1, runs + 1):
            started = time.process_time()
            api.audit(web.urls(index), work / f"cpu-nightly-{index}", cached)
            nightly.append(time.process_time() - started)
    total = sum(per_audit)
    stages = {k: v / runs for k, v in clock.seconds.items()}
    stages[FETCH_STAGE] = (total - sum(clock.seconds.values())) / runs
    mean = total / runs
    figures = [
        Figure("CPU of the first audit in a process (cold: loads rules, data)", cold, "s"),
        Figure(f"CPU per tool, static mode (mean of {runs} warm audits)", mean, "s",
               limit=CPU_LIMIT, details={"per_audit": per_audit,
                                         "median": statistics.median(per_audit)}),
    ]
    figures += [Figure(f"  stage: {name}", seconds, "s") for name, seconds in
                sorted(stages.items(), key=lambda item: -item[1])]
    figures.append(Figure(
        f"CPU per tool, nightly re-audit (documents unchanged, --reader-cache; {runs} audits)",
        sum(nightly) / runs, "s", limit=CPU_LIMIT, details={"per_audit": nightly}))
    return figures, stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_audit")
    parser.add_argument("--runs", type=int, default=3, help="polite audits (one tool each)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--cpu-runs", type=int, default=5)
    parser.add_argument("--skip-polite", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        work = Path(tmp)
        # CPU first: its first audit is the first of the process, so it shows the cold cost.
        cpu, _ = cpu_runs(args.cpu_runs, work)
        print_figures("CPU per tool, static mode (self time per stage)", cpu,
                      ["process CPU of api.audit; imports and interpreter start-up excluded"])
        figures: list[Figure] = list(cpu)
        if not args.skip_polite:
            polite = polite_runs(args.runs, args.latency, work)
            print_figures("One static audit, polite defaults (delay 1 s, 2 per host)", polite,
                          [AUDIT_FORMULA, f"L = {args.latency} s, delay = 1 s, per_host = 2"])
            figures += polite
    print(f"\nresults: {save('audit', figures, {'latency': args.latency})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
