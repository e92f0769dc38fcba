"""Rules over stored audits, and ``evaluate`` of one stored audit.

    python -m benchmarks.bench_rules [--audits 1000] [--stored 3]

A few audits of the simulated web are stored first; their ``facts.json`` are loaded, then the
full built-in rule set is evaluated over ``--audits`` facts documents (cycling over the stored
ones: rule evaluation does not depend on which tool it is). ``api.evaluate`` is then timed on
one stored audit (facts rebuilt from the evidence, rules, classification, three reports):
first with an empty reader cache, then as the command line runs it after an ``audit``, whose
readings are in the default reader cache (``~/.cache/rgpd-check/reader``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import Figure, StageClock, print_figures, save
from benchmarks.simweb import RemoteSimWeb
from rgpd_check import api
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.rules import evaluate, load_rules

RULES_LIMIT = 2.0
EVALUATE_LIMIT = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_rules")
    parser.add_argument("--audits", type=int, default=1000)
    parser.add_argument("--stored", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
        work = Path(tmp)
        dirs = [work / f"stored-{i}" for i in range(args.stored)]
        with RemoteSimWeb(tools=args.stored, latency=0.0) as web:
            options = api.AuditOptions(net=web.net_options(), crawl=CrawlOptions(delay=0))
            for index, out in enumerate(dirs):
                api.audit(web.urls(index), out, options)
        facts = [json.loads((d / api.FACTS_FILE).read_text(encoding="utf-8")) for d in dirs]

        started = time.process_time()
        ruleset = load_rules([], include_builtin=True)
        loading = time.process_time() - started
        started = time.process_time()
        findings = 0
        for index in range(args.audits):
            findings += len(evaluate(ruleset, facts[index % len(facts)]))
        rules_time = time.process_time() - started

        timings: list[float] = []
        clock = StageClock()
        with clock.active():
            for _ in range(3):
                started = time.process_time()
                api.evaluate(dirs[0])
                timings.append(time.process_time() - started)
        cache = api.AuditOptions(reader_cache=work / "reader-cache")
        api.evaluate(dirs[0], cache)  # fills the cache
        cached: list[float] = []
        for _ in range(3):
            started = time.process_time()
            api.evaluate(dirs[0], cache)
            cached.append(time.process_time() - started)
    mean = sum(timings) / len(timings)
    figures = [
        Figure(f"full rule set ({len(ruleset.rules)} rules) over {args.audits} stored audits "
               "(facts loaded)", rules_time, "s", limit=RULES_LIMIT,
               details={"findings": findings}),
        Figure("loading the built-in rule set (once)", loading, "s"),
        Figure("evaluate of one stored audit, empty reader cache (--no-reader-cache, or first "
               "run after an upgrade; mean of 3)", mean, "s", limit=EVALUATE_LIMIT,
               details={"runs": timings}),
        Figure("evaluate of one stored audit as the command line runs it (readings kept by the "
               "audit in the default reader cache; mean of 3)",
               sum(cached) / len(cached), "s", limit=EVALUATE_LIMIT, details={"runs": cached}),
    ]
    figures += [Figure(f"  stage: {name}", seconds / len(timings), "s")
                for name, seconds in sorted(clock.seconds.items(), key=lambda i: -i[1])
                if seconds > 0.0005 * len(timings)]
    print_figures("Rules and evaluate", figures, ["process CPU"])
    print(f"\nresults: {save('rules', figures, {'audits': args.audits})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
