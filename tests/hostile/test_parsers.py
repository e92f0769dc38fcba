"""Hostile bytes and markup: HTML analysis, body decoding and the document reader.

Random and adversarial input must give a result or the reader's one documented error
(``UnreadableDocument`` with a reason), in bounded time and memory.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rgpd_check.analyze.html import main_text, parse_page
from rgpd_check.evidence.content import decode_content, decode_text

SETTINGS = settings(max_examples=120, deadline=2000,
                    suppress_health_check=[HealthCheck.too_slow])
SLOW_SETTINGS = settings(max_examples=40, deadline=10_000,
                         suppress_health_check=[HealthCheck.too_slow])

TAGS = st.sampled_from([
    "<a href='", "<a href=\"javascript:alert(1)\">", "</a>", "<base href='//evil.test/'>",
    "<meta http-equiv='refresh' content='0;url=", "<script>", "</script>", "<style>",
    "<img srcset='", "<iframe src='", "<form action='", "<main>", "</main>", "<nav>", "<div ",
    "class='cookie-banner'", "id='didomi'", "hidden", ">", "<", "'", '"', "&amp;", "&#0;",
    "&#x110000;", "<!--", "-->", "<![CDATA[", "]]>", "<svg><script>", "</title><title>",
    "<html lang='", "http://[::1]/", "https://x.test:99999/", "http://%zz/", "//", "\x00",
    "\ufeff", "é", "\u202e", "<table><tr><td>", "<p>", "<br>", "<li>", "mailto:", "data:,",
])
MARKUP = st.lists(st.one_of(TAGS, st.text(max_size=20)), max_size=80).map("".join)
BASES = st.sampled_from(["https://tool.test/", "http://tool.test:8080/a/b?c#d", "not a url",
                         "https://[::1]/", ""])


@SETTINGS
@given(html=st.one_of(st.text(max_size=2000), MARKUP), base=BASES)
def test_parse_page_never_raises_and_keeps_only_web_urls(html: str, base: str) -> None:
    page = parse_page(html, base)
    for url in [link.url for link in page.links] + [r.url for r in page.resources]:
        assert url.startswith(("http://", "https://"))
    assert isinstance(page.text, str)
    if page.meta_refresh is not None:
        assert page.meta_refresh.startswith(("http://", "https://"))


@SETTINGS
@given(raw=st.binary(max_size=4000),
       encoding=st.sampled_from([None, "", "gzip", "deflate", "br", "gzip, gzip", "x-gzip",
                                 "identity", "gzip, br", "zstd", "\x00"]),
       content_type=st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                     "text/html; charset=\"klingon\"", "text/html; charset=",
                                     "text/html; charset=utf-16", "charset=latin1;;;"]))
def test_decoding_any_body_never_raises(raw: bytes, encoding: str | None,
                                        content_type: str | None) -> None:
    body, _problem = decode_content(raw, encoding, limit=1 << 20)
    assert len(body) <= max(len(raw), 1 << 20)
    text, charset = decode_text(body, content_type)
    assert isinstance(text, str) and charset


def test_nested_gzip_bomb_is_capped() -> None:
    inner = gzip.compress(bytes(50 << 20))  # 50 MiB of zeros, ~50 KB
    outer = gzip.compress(inner)
    body, problem = decode_content(outer, "gzip, gzip", limit=4 << 20)
    assert problem == "decompression bomb" and len(body) <= 4 << 20


def test_deflate_bomb_is_capped() -> None:
    bomb = zlib.compress(bytes(64 << 20), 9)
    body, problem = decode_content(bomb, "deflate", limit=1 << 20)
    assert problem == "decompression bomb" and len(body) == 1 << 20


ADVERSARIAL = {
    "deep_nesting": "<div>" * 200_000 + "texte" + "</div>" * 200_000,
    "many_links": "<body>" + "".join(f"<a href='/p{i}'>lien {i}</a>" for i in range(20_000)),
    "huge_attribute": "<a href='" + "x" * 3_000_000 + "'>x</a>",
    "inline_script_urls": "<script>" + "".join(
        f"'https://t{i}.test/p'; " for i in range(20_000)) + "</script>",
    "unclosed_comment": "<!--" + "<a href='/x'>x</a>" * 50_000,
    "block_tag_storm": "<p>" * 100_000,
    "nul_bytes": "\x00" * 2_000_000,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_pages_in_bounded_time_and_memory(name: str) -> None:
    html = ADVERSARIAL[name]
    tracemalloc.start()
    try:
        page = parse_page(html, "https://tool.test/")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(page.text, str)
    # Allocations (lexbor's included: they go through Python's allocator) stay linear.
    assert peak < 150 * len(html) + (32 << 20)


@SETTINGS
@given(html=MARKUP)
def test_main_text_never_raises(html: str) -> None:
    assert isinstance(main_text(html), str)


# -- the document reader ---------------------------------------------------------------------

reader = pytest.importorskip("rgpd_check.analyze.documents.read")
extract = pytest.importorskip("rgpd_check.analyze.documents.extract")

DOC_PREFIXES = st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html>", b"# Titre\n",
                                b"\xef\xbb\xbf", b"\xff\xfe", b"%PDF-1.4\n1 0 obj <<>> stream\n"])
CONTENT_TYPES = st.sampled_from([
    None, "text/html", "application/pdf", "text/plain", "text/markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream", "image/png",
])


@SLOW_SETTINGS
@given(prefix=DOC_PREFIXES, data=st.binary(max_size=3000), content_type=CONTENT_TYPES,
       filename=st.sampled_from([None, "cgu.pdf", "dpa.docx", "x.md", "../../etc/passwd"]))
def test_extract_text_fails_only_with_unreadable_document(prefix: bytes, data: bytes,
                                                          content_type: str | None,
                                                          filename: str | None) -> None:
    try:
        extracted = extract.extract_text(prefix + data, content_type=content_type,
                                         filename=filename)
    except extract.UnreadableDocument as error:
        assert str(error).strip()
    else:
        assert extracted.text.strip()


WORDS = st.sampled_from([
    "données", "élèves", "13 ans", "moins de 15 ans", "15", "article 28", "sous-traitant",
    "États-Unis", "hébergées", "Union européenne", "cookies", "publicité", "conservées",
    "pendant", "ans", "mois", "\n", "\n\n", ".", ",", "(", ")", "•", "—", "%", "0", "9" * 30,
    "minimum age", "children under 13", "we sell", "not", "ne … pas", "jamais", "\x00",
])
DOC_TEXT = st.one_of(st.text(max_size=3000),
                     st.lists(st.one_of(WORDS, st.text(max_size=10)), max_size=300).map(" ".join))


@SLOW_SETTINGS
@given(text=DOC_TEXT, lang=st.sampled_from([None, "fr", "en", "de", "xx"]))
def test_read_text_never_raises(text: str, lang: str | None) -> None:
    result = reader.read_text(text, url="https://tool.test/p", lang=lang)
    assert isinstance(result["signals"], dict)


# A run of word characters once made the reader's e-mail pattern backtrack quadratically
# (``[\w.-]*\b(dpo|…)\b[\w.-]*@``: minutes on 1 MB); it now starts only where a run starts.
LONG_WORD = pytest.param(("a" * 100_000 + "\n") * 10, id="long_lines")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", [
    pytest.param("données " * 20_000, id="repeated_word"),
    pytest.param("13 ans. " * 10_000, id="repeated_age"),
    pytest.param("a" * 5_000 + " dpo", id="long_word"),
    LONG_WORD,
    pytest.param("(" * 100_000 + ")" * 100_000, id="parentheses"),
    pytest.param("\n" * 500_000, id="blank_lines"),
])
def test_reader_on_adversarial_text_in_bounded_time(text: str) -> None:
    result = reader.read_text(text, url="https://tool.test/p", lang="fr")
    assert isinstance(result["signals"], dict)
