"""Report renderers: one report dict in, the content of one format out (the CLI writes files).

>>> from rgpd_check.render import render_all
>>> files = render_all(report, FORMATS, "fr")   # {"report.json": ..., "report.md": ..., ...}

Text formats give ``str``; ``pdf`` (optional, headless Chromium) gives ``bytes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.interface import Renderer, RenderError
from rgpd_check.render.json_format import JsonRenderer
from rgpd_check.render.markdown import MarkdownRenderer
from rgpd_check.render.pdf import PdfRenderer

FORMATS: tuple[str, ...] = ("json", "md", "html")
# Formats written only when asked for (``--format pdf``).
OPTIONAL_FORMATS: tuple[str, ...] = ("pdf",)

_FACTORIES: dict[str, Callable[[Path | None], Renderer]] = {
    "json": lambda _theme: JsonRenderer(),
    "md": lambda _theme: MarkdownRenderer(),
    "html": lambda theme: HtmlRenderer(theme_dir=theme),
    "pdf": lambda theme: PdfRenderer(theme_dir=theme),
}


def get_renderer(name: str, *, theme_dir: Path | None = None) -> Renderer:
    """The renderer of one format name; ``theme_dir`` only matters for HTML."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise RenderError(
            f"unknown report format {name!r}; expected one of {', '.join(_FACTORIES)}"
        ) from None
    return factory(theme_dir)


def render_all(
    report: dict[str, Any], formats: Iterable[str], lang: str, *, theme_dir: Path | None = None
) -> dict[str, str | bytes]:
    """Every requested format, keyed by its file name (``report.html``...), in request order.

    Values are text, or bytes for binary formats (PDF).
    """
    rendered: dict[str, str | bytes] = {}
    for name in formats:
        renderer = get_renderer(name, theme_dir=theme_dir)
        rendered[renderer.filename] = renderer.render_content(report, lang=lang)
    return rendered


__all__ = [
    "FORMATS",
    "HtmlRenderer",
    "JsonRenderer",
    "MarkdownRenderer",
    "OPTIONAL_FORMATS",
    "PdfRenderer",
    "RenderError",
    "Renderer",
    "get_renderer",
    "render_all",
]
