"""A batch shares one browser launch; each audit still starts from an empty context."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.collect.browser import launch as launch_module
from rgpd_check.collect.browser import shared_browser
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.evidence.bundle import Bundle
from tests.helpers import net_options
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb
from tests.trackers.support import FAST_BROWSER, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

PAGE = """<!doctype html><html><head><title>Classe</title>
<link rel="stylesheet" href="/style.css"></head><body><h1>Classe</h1>
<script>
new Image().src = "/deja-vu?jar=" + (document.cookie.indexOf("vu=1") >= 0)
  + "&storage=" + (localStorage.getItem("vu") !== null);
document.cookie = "vu=1; path=/; max-age=3600"; localStorage.setItem("vu", "1");
</script>
</body></html>"""


def _site(web: TestWeb) -> str:
    web.add_site(
        Site(
            "classe-partagee.test",
            pages={
                "/": Route(body=PAGE, set_cookies=["session=abc; Path=/; Secure; HttpOnly"]),
                "/style.css": Route(body="h1 {}", content_type="text/css"),
                "/deja-vu": Route(status=204),
            },
        )
    )
    return web.url("classe-partagee.test", https=True)


def _options(web: TestWeb) -> api.AuditOptions:
    return api.AuditOptions(
        net=net_options(web),
        crawl=CrawlOptions(delay=0, time_budget=60),
        browser=True,
        browser_options={**FAST_BROWSER, "keylog": False},
        formats=("json",),
    )


def _entries(out: Path, kind: str) -> list[dict[str, Any]]:
    return [e for e in Bundle.open(out).entries("browser.jsonl") if e["kind"] == kind]


def test_audits_in_a_batch_share_one_launch_and_nothing_else(
    testweb: TestWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _site(testweb)
    started: list[launch_module.Running] = []
    original = launch_module.start_browser

    async def counting(mode: str, executable: str) -> launch_module.Running:
        started.append(await original(mode, executable))
        return started[-1]

    monkeypatch.setattr(launch_module, "start_browser", counting)

    async def batch() -> list[api.AuditResult]:
        async with shared_browser():
            first = await api.audit_async([url], tmp_path / "a", _options(testweb))
            crashed = await api.audit_async([url], tmp_path / "b", _options(testweb))
            await started[0].browser.close()  # a crash between two audits
            again = await api.audit_async([url], tmp_path / "c", _options(testweb))
        return [first, crashed, again]

    results = asyncio.run(batch())
    assert len(started) == 2  # once for the batch, once more after the crash
    assert all(r.facts["browser"]["ran"] for r in results)
    assert all(_entries(tmp_path / n, "session")[0]["browser_shared"] is True for n in "abc")
    # What each audit's page found in the browser before writing: nothing, every time.
    seen = [r.path for r in testweb.requests if r.path.startswith("/deja-vu")]
    assert seen == ["/deja-vu?jar=false&storage=false"] * 3
    assert not any(r.alive() for r in started)  # the batch's end stops its browsers


def test_a_single_audit_owns_its_browser(testweb: TestWeb, tmp_path: Path) -> None:
    url = _site(testweb)
    result = api.audit([url], tmp_path / "one", _options(testweb))
    assert result.facts["browser"]["ran"]
    session = _entries(tmp_path / "one", "session")[0]
    assert session["browser_shared"] is False and session["fresh_context"] is True
