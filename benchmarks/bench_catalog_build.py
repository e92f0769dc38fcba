"""Benchmark of ``catalog build`` on a synthetic catalog (default: 1,000 tools).

    python benchmarks/bench_catalog_build.py [--tools N] [--audited-share 0.6] [--keep DIR]

Writes N synthetic tool files and stored audits for a share of them (some with two runs of
history), then times what ``rgpd-check catalog build`` does: load and validate the catalog,
build every page, copy the reports, write the exports. Target: under 10 s for 1,000 tools.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rgpd_check.catalog.loader import load_catalog  # noqa: E402
from rgpd_check.catalog.site import build_site  # noqa: E402
from rgpd_check.catalog.vocabulary import CATEGORIES  # noqa: E402
from tests.catalog.fakes import fake_run, write_tool  # noqa: E402

LEVELS = ("recommande", "precautions", "deconseille", "a-proscrire", "a-verifier")
TARGET_SECONDS = 10.0


def make_catalog(root: Path, tools: int, audited_share: float) -> tuple[Path, Path]:
    catalog, reports = root / "catalog", root / "reports"
    categories = list(CATEGORIES)
    for i in range(tools):
        tool_id = f"outil-{i:04d}"
        alternatives = f"alternatives: [outil-{(i + 1) % tools:04d}]\n" if tools > 1 else ""
        write_tool(catalog, tool_id, category=categories[i % len(categories)], extra=alternatives)
        if i < tools * audited_share:
            fake_run(reports, tool_id, LEVELS[i % len(LEVELS)], "2026-01-05T09:00:00Z")
            if i % 3 == 0:
                fake_run(reports, tool_id, LEVELS[(i + 1) % len(LEVELS)], "2026-03-05T09:00:00Z")
    return catalog, reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tools", type=int, default=1000)
    parser.add_argument("--audited-share", type=float, default=0.6)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        root = Path(tmp)
        catalog_dir, reports = make_catalog(root, args.tools, args.audited_share)
        out = args.keep or root / "site"
        start = time.perf_counter()
        catalog = load_catalog(catalog_dir)
        loaded = time.perf_counter()
        result = build_site(catalog, out, reports=reports)
        done = time.perf_counter()
    total = done - start
    print(f"catalog build: {result.tools} tools ({result.audited} audited), {result.pages} pages")
    print(f"  load + validate catalog: {loaded - start:.2f} s")
    print(f"  build site:              {done - loaded:.2f} s")
    print(f"  total:                   {total:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
