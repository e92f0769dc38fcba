"""Shared helpers: audit a site of the test web through the real pipeline."""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path
from typing import Any

from rgpd_check import api
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.collect.net import NetOptions
from tests.testweb.web import TestWeb

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


def net_options(web: TestWeb, **overrides: Any) -> NetOptions:
    """Network options that reach the test web: its DNS, its CA, loopback allowed."""
    base = NetOptions(
        dns_server=web.dns_server,
        ca_bundle=str(web.ca_path),
        allowed_networks=LOOPBACK,
        connect_timeout=3,
        read_timeout=3,
        response_timeout=10,
        dns_timeout=2,
    )
    return dataclasses.replace(base, **overrides)


def audit_site(
    web: TestWeb,
    urls: list[str],
    out: Path,
    *,
    net: dict[str, Any] | None = None,
    crawl: dict[str, Any] | None = None,
    **options: Any,
) -> api.AuditResult:
    """Run ``api.audit`` on test-web URLs with fast, still polite, settings."""
    crawl_options = dataclasses.replace(CrawlOptions(delay=0, time_budget=60), **(crawl or {}))
    return api.audit(
        urls,
        out,
        api.AuditOptions(net=net_options(web, **(net or {})), crawl=crawl_options, **options),
    )


def cli_network_args(web: TestWeb) -> list[str]:
    """The same settings as CLI arguments."""
    return [
        "--dns-server",
        web.dns_server,
        "--ca-bundle",
        str(web.ca_path),
        "--allow-address",
        "127.0.0.0/8",
        "--delay",
        "0",
        "--timeout",
        "3",
        "--no-browser",
    ]
