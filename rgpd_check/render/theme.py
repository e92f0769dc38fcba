"""The HTML theme: where templates are searched and which helpers they may call.

Same pattern as mkdocs themes: an optional override folder is searched before the built-in
``themes/default/``, so an academy replaces one template (logo, colours, texts) without
forking. The catalog website reuses :func:`make_environment` and includes the partials
(``_level_badge.html``, ``style.css``).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from rgpd_check.render.interface import RenderError
from rgpd_check.render.safety import is_http_url
from rgpd_check.resources import package_file


def default_theme_dir() -> Path:
    """Folder of the built-in theme."""
    return package_file("render/themes/default")


def gdpr_article(reference: str) -> str:
    """The article number of a reference like ``28(3)(a)`` (what gdprhub pages are named by)."""
    digits = ""
    for char in reference.strip():
        if not char.isdigit():
            break
        digits += char
    return digits


def gdpr_url(reference: str) -> str | None:
    """A stable page about the article (gdprhub), or None for references that name none."""
    if not reference.strip()[:1].isdigit():
        return None  # "recital 38", "CNIL recommandation 4": no article page
    article = gdpr_article(reference)
    return f"https://gdprhub.eu/Article_{article}_GDPR" if article else None


def make_environment(theme_dir: Path | None = None) -> Environment:
    """A Jinja environment that escapes everything and fails on any missing variable.

    Reports carry third-party text (quotes, titles, URLs): autoescaping is on for every
    template, including ones built from strings, and undefined names raise instead of
    printing nothing.
    """
    search_path = [default_theme_dir()]
    if theme_dir is not None:
        if not theme_dir.is_dir():
            raise RenderError(f"theme folder not found: {theme_dir}")
        search_path.insert(0, theme_dir)
    env = Environment(
        loader=FileSystemLoader([str(path) for path in search_path]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["http_url"] = is_http_url
    env.filters["gdpr_url"] = gdpr_url
    return env
