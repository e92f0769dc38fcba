"""Page main text: consent banners are dropped, found through a CSS pre-selection."""

from __future__ import annotations

import re

import pytest

from rgpd_check.analyze import html
from rgpd_check.analyze.html import BANNER_WORDS, main_text

BANNER_SOURCE = html._BANNER.pattern.removeprefix("(?i)")


def _top_level(source: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in source:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _alternatives() -> list[list[str]]:
    """For each top-level alternative of the banner pattern, the words one of which it needs:
    a literal alternative needs itself, one that opens with a group needs one of its words."""
    needed = []
    for alternative in _top_level(BANNER_SOURCE):
        if alternative.startswith("("):
            needed.append(_top_level(alternative[1 : alternative.index(")")]))
        else:
            needed.append([alternative])
    return needed


def test_every_banner_alternative_contains_a_pre_selection_word() -> None:
    alternatives = _alternatives()
    assert len(alternatives) > 10
    for options in alternatives:
        for option in options:
            assert re.fullmatch(r"[a-z0-9-]+", option), option
            assert any(word in option for word in BANNER_WORDS), option


def test_banners_are_dropped_whatever_the_case_or_entity_encoding() -> None:
    page = """<html><body><main>
    <div id="X-COOKIE-bar"><p>Nous utilisons des cookies. Accepter</p></div>
    <div class="sd-CMP-root"><p>Bannière de consentement</p></div>
    <section class="a&#99;ookie-notice"><p>Encore un bandeau</p></section>
    <article><p>Politique de confidentialité : les données sont hébergées en France.</p>
    <p class="cookie-policy-intro">Les cookies sont décrits ci-dessous.</p></article>
    </main></body></html>"""
    text = main_text(page)
    assert "Accepter" not in text and "consentement" not in text and "bandeau" not in text
    assert "hébergées en France" in text
    assert "Les cookies sont décrits" in text  # a policy section about cookies is no banner


def test_a_remembered_structure_is_a_copy_and_the_text_is_still_computed() -> None:
    page = "<html><head><title>T</title></head><body><main><p>Texte principal assez long." \
        "</p><a href='/a'>A</a></main></body></html>"
    first = html.parse_page(page, "https://outil.test/", text=False)
    first.links.append(html.Link("https://elsewhere.test/", "injected"))
    second = html.parse_page(page, "https://outil.test/")
    assert [link.url for link in second.links] == ["https://outil.test/a"]
    assert "Texte principal" in second.text and first.text == ""
    other_base = html.parse_page(page, "https://autre.test/x/")
    assert [link.url for link in other_base.links] == ["https://autre.test/a"]


def test_the_analysis_reuses_the_crawlers_parse_of_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    structure = html._structure

    def counted(markup: str, base_url: str) -> html.ParsedPage:
        calls.append(base_url)
        return structure(markup, base_url)

    monkeypatch.setattr(html, "_structure", counted)
    page = "<html><body><main><p>Une page vue deux fois, par le robot puis l'analyse.</p>" \
        "<a href='/b'>B</a></main></body></html>"
    html.parse_page(page, "https://reuse.test/", text=False)  # the crawler: links only
    html.parse_page(page, "https://reuse.test/")  # the analysis: structure and text
    assert calls == ["https://reuse.test/"]
