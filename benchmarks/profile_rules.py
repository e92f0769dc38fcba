"""Profile rule evaluation over stored facts (the loop bench_rules times), and pin its output.

    python -m benchmarks.profile_rules [--facts-dir DIR] [--audits 300] [--top 30]
    python -m benchmarks.profile_rules --facts-dir DIR --digest   # hash of every finding
    python -m benchmarks.profile_rules --split     # where the time goes, without a profiler

The facts of ``--stored`` simulated-web audits are kept in ``--facts-dir`` (built on the first
run, reused after), so that profiling and before/after comparisons skip the audits. ``--digest``
prints a SHA-256 of the findings of every stored facts document (``to_dict`` in both languages):
it must not change when the engine is made faster. ``--split`` times the same loop in parts
(CPU, medians): conditions alone, the per-document work of citing (paths, cited values, refs:
done once per document), the per-rule work left once that is known, and the garbage
collector's share (its callbacks, and the loop with the collector off).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rgpd_check import api
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.facts.paths import Resolver
from rgpd_check.findings import Citations
from rgpd_check.rules import RuleSet, evaluate, evaluate_rule, load_rules


def stored_facts(facts_dir: Path, stored: int) -> list[dict[str, Any]]:
    """Facts documents of ``stored`` simulated-web audits, audited once then read back."""
    files = [facts_dir / f"facts-{i}.json" for i in range(stored)]
    if not all(path.is_file() for path in files):
        from benchmarks.simweb import RemoteSimWeb

        facts_dir.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.TemporaryDirectory(prefix="profile-rules-") as tmp,
            RemoteSimWeb(tools=stored, latency=0.0) as web,
        ):
            options = api.AuditOptions(net=web.net_options(), crawl=CrawlOptions(delay=0))
            for index, path in enumerate(files):
                out = Path(tmp) / f"stored-{index}"
                api.audit(web.urls(index), out, options)
                path.write_text((out / api.FACTS_FILE).read_text(encoding="utf-8"), "utf-8")
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def run(ruleset: RuleSet, facts: list[dict[str, Any]], audits: int) -> float:
    started = time.process_time()
    for index in range(audits):
        evaluate(ruleset, facts[index % len(facts)])
    return time.process_time() - started


def _median_ms(loop: Any, audits: int, repeat: int) -> float:
    """Median CPU of ``loop(audits)`` over ``repeat`` runs, in ms per facts document."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        loop(audits)
        times.append(time.process_time() - started)
    return 1000 * statistics.median(times) / audits


def split(ruleset: RuleSet, facts: list[dict[str, Any]], audits: int, repeat: int) -> None:
    """Prints where the time of ``run`` goes, measured by taking parts away (no profiler)."""
    ordered = ruleset.ordered()
    warm = [Citations(doc, Resolver(doc)) for doc in facts]
    for cache in warm:  # every path, cited value and ref already known
        for rule in ordered:
            evaluate_rule(rule, cache.facts, cache)

    def full(n: int) -> None:
        for index in range(n):
            evaluate(ruleset, facts[index % len(facts)])

    def conditions(n: int) -> None:
        for index in range(n):
            paths = Resolver(facts[index % len(facts)])
            for rule in ordered:
                rule.compiled.run(paths)

    def per_rule(n: int) -> None:
        for index in range(n):
            cache = warm[index % len(warm)]
            for rule in ordered:
                evaluate_rule(rule, cache.facts, cache)

    spent = [0.0, 0.0]  # in collections, start of the current one

    def clock(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            spent[1] = time.process_time()
        else:
            spent[0] += time.process_time() - spent[1]

    gc.callbacks.append(clock)
    try:
        whole = _median_ms(full, audits, repeat)
        collector = 1000 * spent[0] / (audits * repeat)
    finally:
        gc.callbacks.remove(clock)
    gc.disable()
    try:
        without = _median_ms(full, audits, repeat)
    finally:
        gc.enable()
    alone = _median_ms(conditions, audits, repeat)
    assembly = _median_ms(per_rule, audits, repeat)
    rest = whole - collector - alone - assembly
    print(f"evaluate, whole:                              {whole:.3f} ms/doc")
    print(f"  garbage collector (its callbacks):          {collector:.3f} ms/doc")
    print(f"  (whole with the collector off:              {without:.3f} ms/doc)")
    print(f"  conditions alone (leaves and their paths):  {alone:.3f} ms/doc")
    print(f"  per-rule work once citations are known:     {assembly:.3f} ms/doc")
    print(f"  rest, citing each path the first time:      {rest:.3f} ms/doc")


def digest(ruleset: RuleSet, facts: list[dict[str, Any]]) -> str:
    """Every finding of every document, both languages, as one hash (byte-identity check)."""
    sha = hashlib.sha256()
    for doc in facts:
        for finding in evaluate(ruleset, doc):
            for lang in ("fr", "en"):
                text = json.dumps(finding.to_dict(lang), ensure_ascii=False, sort_keys=False)
                sha.update(text.encode("utf-8"))
            sha.update(finding.source_file.encode("utf-8"))
    return sha.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_rules")
    parser.add_argument("--facts-dir", type=Path, default=Path("/tmp/rgpd-profile-rules"))
    parser.add_argument("--stored", type=int, default=3)
    parser.add_argument("--audits", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best one printed)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--digest", action="store_true", help="print the findings' hash only")
    parser.add_argument("--split", action="store_true", help="time the loop in parts, then stop")
    args = parser.parse_args(argv)
    facts = stored_facts(args.facts_dir, args.stored)
    ruleset = load_rules([], include_builtin=True)
    if args.digest:
        print(digest(ruleset, facts))
        return 0
    if args.split:
        split(ruleset, facts, args.audits, args.repeat)
        return 0
    times = [run(ruleset, facts, args.audits) for _ in range(args.repeat)]
    best = min(times)
    print(
        f"{args.audits} audits: best {best:.3f} s CPU, {1000 * best / args.audits:.3f} ms/doc "
        f"(runs {', '.join(f'{t:.3f}' for t in times)})"
    )
    if args.top:
        profiler = cProfile.Profile()
        profiler.enable()
        run(ruleset, facts, args.audits)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
