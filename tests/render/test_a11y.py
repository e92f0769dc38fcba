"""Accessibility basics of the HTML report (WCAG 2.1 AA where it can be checked statically)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup

from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.i18n import Messages
from rgpd_check.render.theme import default_theme_dir
from rgpd_check.render.view import LEVELS, SEVERITIES


def _soup(report: dict[str, Any], lang: str) -> BeautifulSoup:
    return BeautifulSoup(HtmlRenderer().render(report, lang=lang), "lxml")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lang_attribute(any_report: dict[str, Any], lang: str) -> None:
    soup = _soup(any_report, lang)
    assert soup.html is not None and soup.html.get("lang") == lang


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_headings(any_report: dict[str, Any], lang: str) -> None:
    soup = _soup(any_report, lang)
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, levels


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tables(any_report: dict[str, Any], lang: str) -> None:
    tables = _soup(any_report, lang).find_all("table")
    assert tables
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and caption.get_text(strip=True)
        headers = table.find_all("th")
        assert headers
        assert all(th.get("scope") in ("col", "row") for th in headers)


def test_skip_link_and_unique_ids(any_report: dict[str, Any]) -> None:
    soup = _soup(any_report, "fr")
    first_link = soup.find("a")
    assert first_link is not None and first_link.get("href") == "#main"
    assert soup.find(id="main") is not None
    ids = [e["id"] for e in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for anchor in soup.find_all("a", href=re.compile("^#")):
        assert soup.find(id=anchor["href"][1:]) is not None, anchor["href"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_level_has_text_next_to_colour(any_report: dict[str, Any], lang: str) -> None:
    soup = _soup(any_report, lang)
    label = Messages(lang).label("level", any_report["level"])
    badge = soup.select_one(".level-main .level-badge")
    assert badge is not None
    assert label in badge.get_text()
    for sev in soup.select(".sev"):
        assert sev.get_text(strip=True)  # severity colour never comes alone


def test_details_have_a_summary(report: dict[str, Any]) -> None:
    for details in _soup(report, "fr").find_all("details"):
        assert details.find("summary") is not None


# --- colour contrast -------------------------------------------------------------------------


def _css_vars() -> dict[str, str]:
    css = (default_theme_dir() / "style.css").read_text(encoding="utf-8")
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _pairs() -> list[tuple[str, str]]:
    pairs = [
        ("--text", "--bg"),
        ("--muted", "--bg"),
        ("--link", "--bg"),
        ("--text", "--surface"),
        ("--muted", "--surface"),
        ("--link", "--surface"),
    ]
    for level in LEVELS:
        pairs += [
            ("--on-colour", f"--level-{level}"),
            ("--text", f"--level-{level}-tint"),
            ("--muted", f"--level-{level}-tint"),
            ("--link", f"--level-{level}-tint"),
        ]
    pairs += [("--on-colour", f"--sev-{sev}") for sev in SEVERITIES]
    return pairs


@pytest.mark.parametrize(("fg", "bg"), _pairs())
def test_contrast_at_least_4_5(fg: str, bg: str) -> None:
    colours = _css_vars()
    assert contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)


def test_contrast_formula() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
