"""Third-party text (quotes, titles, URLs) renders as text and never runs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup

from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.markdown import MarkdownRenderer, code, link, md
from rgpd_check.render.theme import make_environment
from tests.render.conftest import HOSTILE_SCRIPT

_JS_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def _html(report: dict[str, Any], lang: str) -> str:
    return HtmlRenderer().render(report, lang=lang)


@pytest.mark.parametrize("parser", ["lxml", "html.parser"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_is_inert(hostile_report: dict[str, Any], parser: str, lang: str) -> None:
    html = _html(hostile_report, lang)
    soup = BeautifulSoup(html, parser)
    assert soup.find_all("script") == []
    assert soup.find_all("img") == []
    assert soup.find_all(["iframe", "object", "embed", "base", "form", "link"]) == []
    assert len(soup.find_all("style")) == 1  # the theme's own
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (element.name, name)
            if name in ("href", "src", "cite", "action"):
                assert not _JS_SCHEME.match(str(value)), (element.name, name, value)


def test_hostile_text_is_shown_as_text(hostile_report: dict[str, Any]) -> None:
    soup = BeautifulSoup(_html(hostile_report, "fr"), "lxml")
    visible = soup.get_text()
    assert HOSTILE_SCRIPT in visible  # readers see what the page said
    assert "javascript:alert(3)" in visible  # the URL is shown, not linked
    quote = soup.select("#f-HOST-002 blockquote")[0]
    assert quote.get_text().startswith("Politique <script>")


def test_only_http_urls_become_links(hostile_report: dict[str, Any]) -> None:
    soup = BeautifulSoup(_html(hostile_report, "fr"), "lxml")
    hrefs = [str(a["href"]) for a in soup.find_all("a", href=True)]
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs
    # The http(s) URL with a quote in it is not made a link either (it would be unreadable).
    assert not any("onerror" in h for h in hrefs)


def test_autoescape_is_on_for_string_templates() -> None:
    env = make_environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_markdown_is_inert(hostile_report: dict[str, Any]) -> None:
    full = MarkdownRenderer().render(hostile_report, lang="fr")
    # Code spans show their content literally (CommonMark): only text outside them can inject.
    text = re.sub(r"(`+)(.+?)\1", "", full)
    text = re.sub(r"<https?://[^<>\s]+>", "", text)  # our own autolinks
    assert not re.search(r"(?<!\\)<", text), "unescaped < outside code spans"
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", text):
        assert target.startswith(("http://", "https://")), target
    # Every table row keeps its column count: pipes from quotes are escaped.
    for block in re.findall(r"((?:^\|.*\|$\n?)+)", full, flags=re.MULTILINE):
        rows = block.strip().splitlines()
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


def test_markdown_helpers() -> None:
    assert md("<b>*x*</b> | [a](b)") == r"\<b\>\*x\*\</b\> \| \[a\](b)"
    assert md("a\nb") == "a b"
    assert code("a`b") == "``a`b``"
    assert link("javascript:alert(1)") == "`javascript:alert(1)`"
    assert link("https://a.example/(x)") == "<https://a.example/%28x%29>"
    assert link("https://a.example/", "t*") == r"[t\*](https://a.example/)"
