"""The HTML report in a real headless Chromium: nothing loads, nothing runs, it looks right.

Needs Debian's ``/usr/bin/chromium`` (never ``playwright install``); skipped without it.
The screenshot lands in /tmp/rgpd-report-fr.png for a human look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rgpd_check.collect.browser.chromium import QUIET_ARGS
from rgpd_check.render.html import HtmlRenderer
from tests.render.conftest import hostile

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", *QUIET_ARGS]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def _open(
    html: str, tmp_path: Path, *, width: int, screenshot: Path | None = None
) -> dict[str, Any]:
    """Load the page from a file and report what it tried to do."""
    from playwright.sync_api import Dialog, Route, sync_playwright

    page_path = tmp_path / "report.html"
    page_path.write_text(html, encoding="utf-8")
    page_url = page_path.as_uri()
    outgoing: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})

            def on_route(route: Route) -> None:
                if route.request.url == page_url:
                    route.continue_()
                else:
                    outgoing.append(route.request.url)
                    route.abort()

            def on_dialog(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.route("**/*", on_route)
            page.on("dialog", on_dialog)
            page.goto(page_url, wait_until="load")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            scripts = page.evaluate("document.scripts.length")
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {
        "outgoing": outgoing,
        "dialogs": dialogs,
        "scroll_width": scroll_width,
        "scripts": scripts,
    }


def test_report_in_chromium(report: dict[str, Any], tmp_path: Path) -> None:
    html = HtmlRenderer().render(hostile(report), lang="fr")
    seen = _open(html, tmp_path, width=1100)
    assert seen["outgoing"] == []
    assert seen["dialogs"] == []
    assert seen["scripts"] == 0


def test_screenshot_and_200_percent_zoom(report: dict[str, Any], tmp_path: Path) -> None:
    """At 200 % zoom a 1280 px window is 640 CSS px wide: nothing may scroll sideways."""
    html = HtmlRenderer().render(report, lang="fr")
    shot = Path("/tmp/rgpd-report-fr.png")
    wide = _open(html, tmp_path, width=1100, screenshot=shot)
    assert wide["outgoing"] == [] and wide["dialogs"] == []
    assert shot.stat().st_size > 10_000
    narrow = _open(html, tmp_path, width=640)
    assert narrow["scroll_width"] <= 640


def test_the_request_recorder_works(tmp_path: Path) -> None:
    """Guard against a silently broken check: a page that does load something is caught."""
    page = '<!DOCTYPE html><html lang="fr"><body><img src="https://tracker.invalid/p.gif"></body></html>'
    seen = _open(page, tmp_path, width=800)
    assert seen["outgoing"] == ["https://tracker.invalid/p.gif"]


def test_prints_to_pdf_with_urls_and_closed_details(report: dict[str, Any], tmp_path: Path) -> None:
    """The print stylesheet writes link targets out and prints the collapsed rule list."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    page_path = tmp_path / "report.html"
    page_path.write_text(HtmlRenderer().render(report, lang="fr"), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url == page_path.as_uri() else route.abort()
                ),
            )
            page.goto(page_path.as_uri())
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
    text = " ".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "Sommaire" not in text  # no navigation on paper
    assert "<https://quiz.example/privacy>" in text  # link target printed after its text
    assert "Localisation des données non publiée" in text  # from the closed <details>
