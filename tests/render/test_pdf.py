"""PDF through the headless Chromium: printable, no request, works inside an event loop.

Needs Debian's ``/usr/bin/chromium`` (never a browser download); skipped without it.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.render import RenderError, render_all
from rgpd_check.render.pdf import PdfRenderer, html_to_pdf
from tests.render.conftest import hostile

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_in_french_and_english(report: dict[str, Any]) -> None:
    french = PdfRenderer().render_bytes(report, lang="fr")
    assert french.startswith(b"%PDF-")
    text = pdf_text(french)
    assert "Rapport RGPD" in text and "Déconseillé" in text
    assert "Ce que couvre ce rapport" in text
    assert "Not recommended" in pdf_text(PdfRenderer().render_bytes(report, lang="en"))


def test_render_all_gives_bytes_for_pdf(report: dict[str, Any]) -> None:
    files = render_all(report, ["md", "pdf"], "fr")
    assert isinstance(files["report.md"], str)
    assert isinstance(files["report.pdf"], bytes)


def test_pdf_inside_a_running_event_loop(report: dict[str, Any]) -> None:
    """Audits render inside asyncio (audit_async): the sync browser API must still work."""

    async def inside() -> bytes:
        return PdfRenderer().render_bytes(report, lang="fr")

    assert asyncio.run(inside()).startswith(b"%PDF-")


def test_nothing_is_fetched_and_hostile_text_stays_text(report: dict[str, Any]) -> None:
    html = '<html><body><img src="https://tracker.invalid/p.gif"><p>ok</p></body></html>'
    assert html_to_pdf(html).startswith(b"%PDF-")  # the image is refused, printing goes on
    text = pdf_text(PdfRenderer().render_bytes(hostile(report), lang="fr"))
    assert "<script>alert(1)</script>" in text  # printed as text, never run


def test_missing_chromium_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="Chromium"):
        html_to_pdf("<p>x</p>", executable=tmp_path / "no-chromium")


def test_pdf_is_not_text(report: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match="binary"):
        PdfRenderer().render(report, lang="fr")


def test_a_configured_chromium_that_is_missing_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RGPD_CHECK_CHROMIUM", str(tmp_path / "absent-chromium"))
    with pytest.raises(RenderError, match="absent-chromium"):
        html_to_pdf("<p>x</p>")
