"""The third-party cookie policy the browser ran with holds for every way a cookie is set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.collect.browser import THIRD_PARTY_ALLOWED, THIRD_PARTY_BLOCKED
from rgpd_check.evidence.bundle import Bundle
from tests.helpers import audit_site, cli_network_args
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb
from tests.trackers.support import FAST_BROWSER, needs_chromium

PAGE = """<!doctype html><html lang="fr"><head><title>Classe</title></head><body>
<main><h1>Classe</h1>
<img src="https://pixel.traceur.test:${HTTPS_PORT}/p.gif" alt="">
<img src="https://pixel.traceur.test:${HTTPS_PORT}/chips.gif" alt="">
<iframe src="https://sync.traceur.test:${HTTPS_PORT}/sync"></iframe>
<script src="https://cdn.traceur.test:${HTTPS_PORT}/t.js"></script>
</main></body></html>"""


def _sites(web: TestWeb) -> None:
    web.add_site(Site("classe.test", pages={
        "/": Route(body=PAGE, set_cookies=["premiere=1; Path=/"]),
    }))
    web.add_site(Site("pixel.traceur.test", pages={
        "/p.gif": Route(body=b"GIF89a", content_type="image/gif",
                        set_cookies=["uid=header-set; Path=/; Secure; SameSite=None"]),
        "/chips.gif": Route(body=b"GIF89a", content_type="image/gif",
                            set_cookies=["part=1; Path=/; Secure; SameSite=None; Partitioned"]),
    }))
    # A third-party frame whose navigation redirects with a cookie: a "cookie sync".
    web.add_site(Site("sync.traceur.test", pages={
        "/sync": Route(status=302, redirect="/done",
                       set_cookies=["sync=abc; Path=/; Secure; SameSite=None"]),
        "/done": "<html><body>ok</body></html>",
    }))
    web.add_site(Site("cdn.traceur.test", pages={
        "/t.js": Route(body="document.cookie = 'js=1; path=/';", content_type="text/javascript"),
    }))


def _cookies(web: TestWeb, tmp_path: Path, mode: str) -> dict[str, Any]:
    result = audit_site(web, [web.url("classe.test", https=True)], tmp_path / mode, browser=True,
                        browser_options={**FAST_BROWSER, "keylog": False, "mode": mode},
                        formats=("json",))
    cookies: dict[str, Any] = result.facts["cookies"]
    assert cookies["third_party_mode"] == mode
    return cookies


def _stored(cookies: dict[str, Any]) -> set[str]:
    return {c["name"] for c in cookies["browser_stored"]}


@pytest.mark.browser
@needs_chromium
def test_blocked_mode_refuses_third_party_cookies_from_headers_too(
        testweb: TestWeb, tmp_path: Path) -> None:
    _sites(testweb)
    allowed = _cookies(testweb, tmp_path, THIRD_PARTY_ALLOWED)
    assert {"premiere", "uid", "js", "sync", "part"} <= _stored(allowed)
    assert "uid (pixel.traceur.test)" in allowed["third_party_stored"]
    blocked = _cookies(testweb, tmp_path, THIRD_PARTY_BLOCKED)
    assert {"premiere", "js"} <= _stored(blocked), "first-party cookies are kept"
    assert "uid" not in _stored(blocked), "a third party's Set-Cookie is refused, as Chromium would"
    assert "sync" not in _stored(blocked), "also on a third-party frame's redirect"
    assert "part" in _stored(blocked), "a partitioned (CHIPS) cookie is kept, as Chromium does"
    # The attempt stays evidence: the third party tried, the browser's policy refused it.
    assert "uid (pixel.traceur.test)" in blocked["attempted_not_stored"]
    attempted = {c["name"]: c for c in blocked["browser_attempted"]}
    assert attempted["uid"]["refused_third_party"] and attempted["sync"]["refused_third_party"]
    assert "refused_third_party" not in attempted["part"]
    assert blocked["third_party_stored"] == ["part (pixel.traceur.test)"]


@pytest.mark.browser
@needs_chromium
def test_the_command_line_chooses_the_policy(testweb: TestWeb, tmp_path: Path) -> None:
    _sites(testweb)
    out = tmp_path / "cli"
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "audit", testweb.url("classe.test", https=True),
         "--out", str(out), *cli_network_args(testweb), "--browser", "--max-pages", "2",
         "--third-party-cookies", "block", "--format", "json"],
        capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert Bundle.open(out).manifest["audit"]["browser_mode"] == THIRD_PARTY_BLOCKED
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    assert "uid" not in {c["name"] for c in facts["cookies"]["browser_stored"]}
