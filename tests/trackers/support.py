"""Shared pieces of the trackers end-to-end tests: the fixture site, the list, fast settings."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from rgpd_check.collect.browser.chromium import find_chromium
from tests.testweb.web import TestWeb

HERE = Path(__file__).parent
QUIZ_SITES = HERE / "sites" / "quiz-ecole.yaml"
CLEAN_SITES = HERE / "sites" / "propre.yaml"
FILTER_LIST = HERE.parent / "fixtures" / "filterlists" / "mini-privacy.txt"
FORBIDDEN_HOST = "intranet.quiz-ecole.test"
# Short waits: the fixture sites answer at once; the product's defaults are for the internet.
FAST_BROWSER = {"linger": 0.2, "settle_quiet": 0.25, "settle_limit": 4.0}

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="Debian's chromium is not installed (CI installs it)"
)


def allowed_networks(web: TestWeb, *, except_host: str = FORBIDDEN_HOST) -> dict[str, object]:
    """Net options allowing every fixture site's address but one (the forbidden one)."""
    networks = tuple(
        ipaddress.ip_network(f"{site.ip}/32") for site in web.sites if site.host != except_host
    )
    return {"allowed_networks": networks}
