"""Self-contained, printable, accessible HTML report."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment, TemplateNotFound

from rgpd_check.render.i18n import Messages, check_lang
from rgpd_check.render.interface import Renderer, RenderError
from rgpd_check.render.theme import make_environment
from rgpd_check.render.view import (
    FAMILIES,
    LEVELS,
    RELIABILITIES,
    build_view,
    no_evidence_key,
    status_key,
)


def catalog_context(lang: str) -> dict[str, Any]:
    """The helpers every template and partial expects, without a report.

    The catalog website renders ``_level_badge.html`` and ``_macros.html`` with this.
    """
    check_lang(lang)
    messages = Messages(lang)
    return {
        "lang": lang,
        "m": messages,
        "t": messages.t,
        "label": messages.label,
        "when": messages.when,
        "number": messages.number,
        "size": messages.size,
        "join": messages.join,
        "failure": messages.failure,
        "gdpr": messages.gdpr,
        "prose": messages.prose,
        "status_key": status_key,
        "no_evidence_key": no_evidence_key,
        "families": FAMILIES,
        "levels": LEVELS,
        "reliabilities": RELIABILITIES,
    }


@lru_cache(maxsize=8)
def _shared_environment(theme_dir: Path | None) -> Environment:
    """One environment per theme and process: templates are compiled once, not per report."""
    return make_environment(theme_dir)


class HtmlRenderer(Renderer):
    """One HTML file: inline CSS, no script, no external resource."""

    name: ClassVar[str] = "html"
    extension: ClassVar[str] = "html"
    template_name: ClassVar[str] = "report.html"

    def __init__(self, theme_dir: Path | None = None) -> None:
        self.theme_dir = theme_dir
        self._env: Environment | None = None

    @property
    def env(self) -> Environment:
        """The theme's environment, built on first use (the theme folder is checked then)."""
        if self._env is None:
            self._env = _shared_environment(self.theme_dir)
        return self._env

    def context(self, report: dict[str, Any], *, lang: str) -> dict[str, Any]:
        """Everything the templates may use; themes that override a template rely on it."""
        content_lang = report.get("lang", lang)
        return {
            **catalog_context(lang),
            "r": report,
            "view": build_view(report),
            # Rule and policy texts are typeset in the report's language, quotes never.
            "prose": lambda text: Messages(lang).prose(text, content_lang),
            # Finding texts come in the report's language; mark them when it differs.
            "content_lang": content_lang if content_lang != lang else None,
        }

    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """The whole HTML document."""
        check_lang(lang)
        try:
            template = self.env.get_template(self.template_name)
        except TemplateNotFound as error:
            raise RenderError(f"theme template not found: {error.name}") from error
        return template.render(self.context(report, lang=lang))
