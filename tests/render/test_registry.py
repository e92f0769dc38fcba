"""One interface, one registry, every format wired (cf. pip-audit's exhaustiveness test)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rgpd_check.render import FORMATS, Renderer, RenderError, get_renderer, render_all


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_maps_to_a_renderer(name: str) -> None:
    renderer = get_renderer(name)
    assert isinstance(renderer, Renderer)
    assert renderer.name == name
    assert renderer.filename == f"report.{renderer.extension}"


def test_formats_and_file_names() -> None:
    assert FORMATS == ("json", "md", "html")
    assert [get_renderer(n).filename for n in FORMATS] == [
        "report.json",
        "report.md",
        "report.html",
    ]


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(
        RenderError, match="unknown report format 'docx'; expected one of json, md, html, pdf"
    ):
        get_renderer("docx")


def test_pdf_is_an_optional_binary_format() -> None:
    renderer = get_renderer("pdf")
    assert renderer.binary and renderer.filename == "report.pdf"
    assert "pdf" not in FORMATS
    assert all(not get_renderer(name).binary for name in FORMATS)


def test_render_all_returns_text_per_file(any_report: dict[str, Any]) -> None:
    files = render_all(any_report, FORMATS, "fr")
    assert list(files) == ["report.json", "report.md", "report.html"]
    assert all(isinstance(text, str) and text for text in files.values())
    assert json.loads(files["report.json"]) == any_report


def test_render_all_subset(any_report: dict[str, Any]) -> None:
    assert list(render_all(any_report, ["md"], "en")) == ["report.md"]


@pytest.mark.parametrize("name", ["md", "html"])
def test_unknown_language_is_refused(name: str, any_report: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match="unsupported language"):
        get_renderer(name).render(any_report, lang="de")
