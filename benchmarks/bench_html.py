"""HTML parsing on the hot path: ``parse_page`` (selectolax/lexbor) per 100 KB of page.

    python -m benchmarks.bench_html

Pages are those of the simulated web (50–300 KB documents, text from the real corpus read in
place when present) plus synthetic worst cases. bs4 (lxml) is timed on the largest page for
comparison, as the reason the hot path does not use it.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import Figure, print_figures, save
from benchmarks.simweb import SimConfig, build_sites
from rgpd_check.analyze.html import parse_page

LIMIT_PER_100KB = 0.020
KB = 1024


def _time(html: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        parse_page(html, "https://tool-000.test/doc")
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    sites = build_sites(SimConfig(tools=3, seed=7))
    pages: list[str] = []
    for site in sites:
        for route in site.pages.values():
            body = route if isinstance(route, str) else route.body
            if isinstance(body, str) and len(body) > 20 * KB:
                pages.append(body)
    random.Random(1).shuffle(pages)
    total_bytes = sum(len(p.encode()) for p in pages)
    total_time = sum(_time(page, 3) for page in pages)
    per_100kb = total_time / (total_bytes / (100 * KB))
    largest = max(pages, key=len)
    figures = [
        Figure(f"parse_page per 100 KB ({len(pages)} simulated pages, "
               f"{total_bytes / KB / len(pages):.0f} KB mean)", per_100kb, "s",
               limit=LIMIT_PER_100KB),
        Figure(f"parse_page, largest page ({len(largest.encode()) / KB:.0f} KB)",
               _time(largest, 5), "s"),
    ]
    dense = "<div class='x'><p>Texte <a href='/l'>lien</a> <b>gras</b></p></div>" * 1600
    figures.append(Figure("parse_page per 100 KB, dense markup (5 tags per 60 bytes)",
                          _time(dense, 3) / (len(dense) / (100 * KB)), "s",
                          limit=LIMIT_PER_100KB))
    deep = "<div>" * 100_000 + "texte" + "</div>" * 100_000
    figures.append(Figure("parse_page, 100,000 nested <div> (hostile; depth capped)",
                          _time(deep, 1), "s"))
    try:
        from bs4 import BeautifulSoup

        started = time.process_time()
        BeautifulSoup(largest, "lxml").get_text()
        figures.append(Figure("for comparison: bs4 + lxml on the largest page",
                              time.process_time() - started, "s"))
    except ImportError:
        pass
    print_figures("HTML parsing (parse_page = two lexbor parses: structure, main text)",
                  figures, ["process CPU, best of 3"])
    print(f"\nresults: {save('html', figures)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
