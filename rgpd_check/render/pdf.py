"""PDF: the HTML report printed by the headless Chromium already used for audits.

No new dependency and no download: Playwright drives Debian's ``/usr/bin/chromium`` (or
``RGPD_CHECK_CHROMIUM``). The page is loaded from memory with every request refused, so the
PDF is made of the report alone, with the print stylesheet (link targets written out,
collapsed rule lists printed).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

from rgpd_check.collect.browser.chromium import (
    CHROMIUM_ENV,
    DEFAULT_CHROMIUM,
    QUIET_ARGS,
    find_chromium,
)
from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.i18n import check_lang
from rgpd_check.render.interface import Renderer, RenderError

CHROMIUM_ARGS = ["--headless", *QUIET_ARGS]


def html_to_pdf(html: str, *, executable: Path | None = None) -> bytes:
    """Print one self-contained HTML page to A4 PDF; nothing is fetched from anywhere."""
    if executable is None:
        found = find_chromium()
        if found is None:
            configured = os.environ.get(CHROMIUM_ENV, "").strip() or DEFAULT_CHROMIUM
            raise RenderError(
                f"PDF : Chromium introuvable / Chromium not found ({configured}); "
                f"installer le paquet chromium ou définir {CHROMIUM_ENV}"
            )
        executable = Path(found)
    elif not executable.exists():
        raise RenderError(
            f"PDF : Chromium introuvable / Chromium not found ({executable}); "
            f"installer le paquet chromium ou définir {CHROMIUM_ENV}"
        )
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print(html, executable)
    # Playwright's sync API refuses to run inside an event loop (audits run in one).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html, executable).result()


def _print(html: str, executable: Path) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                pdf: bytes = page.pdf(
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    tagged=True,
                    outline=True,
                )
                return pdf
            finally:
                browser.close()
    except PlaywrightError as error:
        raise RenderError(f"PDF : échec de Chromium / Chromium failed: {error}") from None


class PdfRenderer(Renderer):
    """The HTML report as a printable, tagged A4 PDF."""

    name: ClassVar[str] = "pdf"
    extension: ClassVar[str] = "pdf"
    binary: ClassVar[bool] = True

    def __init__(self, theme_dir: Path | None = None) -> None:
        self.html = HtmlRenderer(theme_dir=theme_dir)

    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """A PDF is not text: use :meth:`render_bytes`."""
        raise RenderError("PDF is a binary format: use render_bytes()")

    def render_bytes(self, report: dict[str, Any], *, lang: str) -> bytes:
        """The PDF document."""
        check_lang(lang)
        return html_to_pdf(self.html.render(report, lang=lang))
