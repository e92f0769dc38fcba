"""The theme's pieces the catalog website will reuse, and its helpers."""

from __future__ import annotations

import pytest

from rgpd_check.render.html import catalog_context
from rgpd_check.render.theme import default_theme_dir, gdpr_article, gdpr_url, make_environment


def test_theme_layout() -> None:
    names = {p.name for p in default_theme_dir().iterdir()}
    expected = {"base.html", "report.html", "_finding.html", "_evidence.html", "_annex.html"}
    assert expected | {"_level_badge.html", "style.css"} <= names


@pytest.mark.parametrize(("lang", "label"), [("fr", "À proscrire"), ("en", "Prohibited")])
def test_level_badge_renders_without_a_report(lang: str, label: str) -> None:
    env = make_environment()
    template = env.from_string(
        '{% import "_level_badge.html" as lv with context %}{{ lv.level_badge("a-proscrire") }}'
    )
    out = template.render(catalog_context(lang))
    assert "level-badge level-a-proscrire" in out
    assert label in out


def test_style_can_be_included_alone() -> None:
    css = make_environment().get_template("style.css").render()
    assert "--level-deconseille" in css and "@media print" in css


@pytest.mark.parametrize(
    ("ref", "article", "url"),
    [
        ("28(3)(a)", "28", "https://gdprhub.eu/Article_28_GDPR"),
        ("8", "8", "https://gdprhub.eu/Article_8_GDPR"),
        ("recital 38", "", None),
    ],
)
def test_gdpr_links(ref: str, article: str, url: str | None) -> None:
    assert gdpr_article(ref) == article
    assert gdpr_url(ref) == url
