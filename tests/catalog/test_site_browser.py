"""The built website in headless Chromium: filters, search, pages, no outside request, axe-core.

axe-core comes from npm, installed by this module into a cache folder the first time (the
npm registry is reachable from developers' machines and CI); the checks are skipped, with
the reason, only when npm itself is missing.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.catalog.model import Catalog
from rgpd_check.catalog.site import SiteResult
from rgpd_check.collect.browser.chromium import QUIET_ARGS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", *QUIET_ARGS]
AXE_VERSION = "4.14.1"
AXE_RUN = (
    "async () => await axe.run(document, {runOnly: {type: 'tag',"
    " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
)
PAGES = ("index.html", "outils/digipad.html", "methode.html",
         "niveaux/a-proscrire.html", "regles/HOST-001.html")  # fmt: skip

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make install-system)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def origin(built: SiteResult) -> Iterator[str]:
    """The site served on 127.0.0.1 by a thread, as a static host would."""
    handler = functools.partial(_Quiet, directory=str(built.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Visit:
    """A browser context that records (and blocks) every request leaving the site."""

    def __init__(self, browser: Any, origin: str, **context: Any) -> None:
        self.origin = origin
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.context = browser.new_context(**context)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(f"{self.origin}/{path}")
        return self.page

    def visible_names(self) -> list[str]:
        return list(
            self.page.eval_on_selector_all(
                "#tools-table tbody tr:not([hidden]) th a", "els => els.map(e => e.textContent)"
            )
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, origin: str) -> Iterator[Visit]:
    session = Visit(browser, origin)
    try:
        yield session
    finally:
        session.close()
    assert session.outside == [], "requests left the site"
    assert session.console_errors == [], session.console_errors  # CSP violations land here


def test_index_lists_every_tool_and_filters_work(visit: Visit, shipped: Catalog) -> None:
    page = visit.open("index.html")
    assert page.locator("#filters").is_visible()
    assert len(visit.visible_names()) == len(shipped)
    assert page.locator("#filter-status").text_content() == (
        f"{len(shipped)} outil(s) affiché(s) sur {len(shipped)}"
    )
    page.select_option("#filter-level", "a-proscrire")
    names = visit.visible_names()
    assert "Discord" in names and "Digipad (La Digitale)" not in names
    assert "niveau=a-proscrire" in page.url  # shareable, and read back on load
    page.select_option("#filter-level", "")
    page.fill("#filter-q", "digi")  # accents and case folded: matches "Digipad (La Digitale)"
    assert visit.visible_names() == [
        "Digipad (La Digitale)", "Digistorm (La Digitale)", "Digiwall (La Digitale)",
    ]  # fmt: skip
    page.fill("#filter-q", "EDUCATION")
    assert "Google Workspace for Education" in visit.visible_names()
    page.fill("#filter-q", "")
    page.select_option("#filter-category", "messagerie")
    page.select_option("#filter-audience", "teachers")
    assert set(visit.visible_names()) == {"Tchap", "WhatsApp"}
    page.click("button[type=reset]")
    page.select_option("#filter-sort", "niveau")
    first = page.locator("#tools-table tbody tr").first
    assert first.get_attribute("data-level") == "recommande"
    page.select_option("#filter-sort", "date")
    assert visit.visible_names()[0] == "Digipad (La Digitale)"  # most recent audit first


def test_query_string_prefills_the_filters(visit: Visit) -> None:
    page = visit.open("index.html?niveau=non-audite&q=zoom")
    assert page.locator("#filter-level").input_value() == "non-audite"
    assert visit.visible_names() == []  # Zoom has an audit
    page = visit.open("index.html?categorie=quiz")
    assert "Kahoot!" in visit.visible_names()


def test_usable_without_javascript(browser: Any, origin: str, shipped: Catalog) -> None:
    session = Visit(browser, origin, java_script_enabled=False)
    try:
        page = session.open("index.html")
        assert not page.locator("#filters").is_visible()
        assert page.locator("#tools-table tbody tr").count() == len(shipped)
        page.click("text=À proscrire >> nth=-1")  # the browse link at the bottom
        assert page.url.endswith("niveaux/a-proscrire.html")
        assert page.locator("h1").text_content() == "Outils au niveau « À proscrire »"
        assert session.outside == []
    finally:
        session.close()


def test_tool_page_shows_level_and_academy_decision(visit: Visit) -> None:
    page = visit.open("outils/digipad.html")
    assert page.locator("#level .level-main").text_content().strip().endswith("À vérifier")
    academy = page.locator("#academy")
    assert "Utilisable avec précautions" in academy.text_content()
    assert "Pas de nom complet d'élève" in academy.text_content()
    page.click("text=Rapport complet (HTML)")
    assert page.url.endswith("/report.html")
    visit.open("outils/discord.html")
    assert "DSDEN des Landes" in visit.page.locator("#level").text_content()


def test_narrow_screen(browser: Any, origin: str) -> None:
    session = Visit(browser, origin, viewport={"width": 360, "height": 740})
    try:
        page = session.open("index.html")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360  # no horizontal scrolling on a phone
        assert session.outside == []
    finally:
        session.close()


@pytest.fixture(scope="module")
def axe_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rgpd-check"
    target = cache / f"axe-core-{AXE_VERSION}"
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot install axe-core for the accessibility check")
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(target),
         f"axe-core@{AXE_VERSION}"],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    assert script.is_file()
    return script


@pytest.mark.parametrize("path", PAGES)
def test_axe_reports_no_violation(browser: Any, origin: str, axe_script: Path, path: str) -> None:
    # axe is injected by the test, not by the site: only this context bypasses the CSP
    # (the other tests keep it enforced and fail on any violation).
    session = Visit(browser, origin, bypass_csp=True)
    try:
        page = session.open(path)
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate(AXE_RUN)
    finally:
        session.close()
    assert session.outside == []
    violations = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert violations == [], violations
