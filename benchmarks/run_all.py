"""Run every benchmark, each in its own process (so peak memory is its own), then summarise.

    python -m benchmarks.run_all [--quick]

``--quick`` runs the batch on 20 tools instead of 200. Benchmarks owned by others
(``bench_reader``, ``bench_browser``, ``bench_catalog_build``) run when present. The summary
table (what, figure, bound or target, ratio) is printed and kept in
``benchmarks/results/summary.md`` for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.measure import RESULTS_DIR, machine  # noqa: E402

OTHERS = ("bench_reader", "bench_browser", "bench_catalog_build")


def _run(module: str, args: list[str]) -> int:
    print(f"\n### {module} {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, "-m", f"benchmarks.{module}", *args], cwd=ROOT)


def summary() -> str:
    lines = [f"Machine: {machine()}", "",
             "| What | Figure | Bound or target | Ratio | Met | Date |",
             "|---|---|---|---|---|---|"]
    for path in sorted(RESULTS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for fig in data.get("figures", []):
            target = ""
            if fig.get("bound") is not None:
                target = f"bound {fig['bound']:.3f} {fig['unit']} (≤ {fig.get('max_ratio')}×)"
            elif fig.get("limit") is not None:
                target = f"< {fig['limit']:g} {fig['unit']}"
            ratio = f"{fig['ratio']:.2f}" if fig.get("ratio") is not None else ""
            met = {True: "yes", False: "**no**", None: ""}[fig.get("met")]
            lines.append(f"| {fig['what'].strip()} | {fig['value']:.3f} {fig['unit']} | "
                         f"{target} | {ratio} | {met} | {data['date'][:10]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_all")
    parser.add_argument("--quick", action="store_true", help="20-tool batch instead of 200")
    args = parser.parse_args(argv)
    failures = 0
    failures += _run("bench_html", []) != 0
    failures += _run("bench_audit", []) != 0
    failures += _run("bench_rules", []) != 0
    failures += _run("bench_batch", ["--tools", "20"] if args.quick else []) != 0
    for module in OTHERS:
        if (HERE / f"{module}.py").exists():
            failures += _run(module, []) != 0
        else:
            print(f"\n### {module}: absent (owned by another engineer), skipped")
    table = summary()
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "summary.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
