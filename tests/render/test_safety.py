"""Only plain http(s) URLs may become links."""

from __future__ import annotations

import pytest

from rgpd_check.render.safety import is_http_url, markdown_url


@pytest.mark.parametrize(
    "url",
    ["https://quiz.example/", "http://a.example/x?y=1#z", "HTTPS://A.EXAMPLE/"],
)
def test_http_urls_are_links(url: str) -> None:
    assert is_http_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//quiz.example/",
        "/relative",
        "https://",
        'https://quiz.example/"><img onerror=alert(1)>',
        "https://quiz.example/ space",
        "https://[::1",
        None,
        42,
    ],
)
def test_everything_else_is_not(url: object) -> None:
    assert not is_http_url(url)


def test_markdown_url_encodes_parentheses_and_pipes() -> None:
    assert markdown_url("https://a.example/x_(y)|z") == "https://a.example/x_%28y%29%7Cz"
