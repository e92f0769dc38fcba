"""What one gate run is told: where the audits are, which mode, which date, which rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.collect.net import NetOptions


@dataclass(frozen=True)
class GateOptions:
    """CLI options map one to one; ``today`` is explicit so runs are reproducible."""

    reports: Path
    today: dt.date
    live: bool = False
    strict: bool = False
    # Where re-evaluated reports are written (offline mode); None: a temporary folder.
    out: Path | None = None
    only: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    default_rules: bool = True
    policy: Path | None = None
    lang: str = "fr"
    # Document readings kept between runs (see analyze/documents/cache.py); None: read all.
    reader_cache: Path | None = None
    # Live mode only.
    net: NetOptions = field(default_factory=NetOptions)
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    ip_data: tuple[Path, ...] = ()
    browser: bool = False
    command_line: tuple[str, ...] = ()
