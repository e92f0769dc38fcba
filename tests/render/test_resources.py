"""The HTML report loads nothing: links are allowed, loaded resources are not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup

from rgpd_check.render.html import HtmlRenderer
from tests.render.conftest import hostile

_URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)


def _check(html: str) -> None:
    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(True):
        for name in ("src", "srcset", "poster", "data", "background", "action", "formaction"):
            value = element.get(name)
            if value is not None:
                assert str(value).startswith("data:"), (element.name, name, value)
        href = element.get("href")
        if href is not None:
            href = str(href)
            assert element.name == "a", element.name  # no <link>, no <base>
            assert href.startswith(("#", "data:", "http://", "https://")), href
        if element.name == "meta":
            assert str(element.get("http-equiv", "")).lower() != "refresh"
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    css += " ".join(str(e.get("style")) for e in soup.find_all(style=True))
    assert "@import" not in css
    for target in _URL_IN_CSS.findall(css):
        assert target.startswith(("data:", "#")), target


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fixtures_load_nothing(any_report: dict[str, Any], lang: str) -> None:
    _check(HtmlRenderer().render(any_report, lang=lang))


def test_hostile_report_loads_nothing(report: dict[str, Any]) -> None:
    _check(HtmlRenderer().render(hostile(report), lang="fr"))


def test_content_security_policy_forbids_loading(report: dict[str, Any]) -> None:
    soup = BeautifulSoup(HtmlRenderer().render(report, lang="fr"), "lxml")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None
    assert "default-src 'none'" in str(csp["content"])
    assert "script-src" not in str(csp["content"])  # so scripts fall back to 'none'
