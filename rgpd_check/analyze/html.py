"""HTML reading on the hot path: selectolax (lexbor), about 25× faster than bs4 on large pages.

One parse gives everything the pipeline needs from a page: title, language, main text
(navigation, headers, footers and cookie banners stripped), links with their text, the
resources the page makes a browser load, forms, and URLs inside inline scripts.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from rgpd_check.analyze.text import tidy

_BLOCK_TAGS = (
    "p|div|li|h[1-6]|br|tr|td|th|section|article|table|ul|ol|blockquote|dd|dt|header|footer|"
    "nav|main|aside|pre|hr|figure|figcaption|address|details|summary|form|fieldset|legend"
)
MAX_DEPTH = 512
_DEPTH_SCAN_FROM = 10_000  # below this, even a hostile page parses in about 0.1 s
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
# Void and auto-closed elements do not deepen the tree (an unclosed <li> is closed by the next).
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup tbody thead tfoot colgroup rb rt rp html head body".split()
)
# Only layout and formatting tags are dropped past the limit; links, scripts, forms and media
# always stay, since they are what the analysis looks for.
_DROPPABLE = frozenset(
    "div span section article aside header footer nav main font b i u s em strong small big "
    "center blockquote ul ol dl table figure figcaption details summary fieldset label "
    "address pre code mark abbr cite q sub sup tt dir menu".split()
)
# The "<" of a block tag, not a look-ahead alone: a pattern that opens on a literal is
# searched for that character, one that opens on a look-ahead is tried at every position.
_BLOCK_BOUNDARY = re.compile(rf"(?i)<(?=/?(?:{_BLOCK_TAGS})\b)")
_BLOCK_MARK = "\ue000"  # private-use character: where a block starts or ends
_WHITESPACE = re.compile(r"\s+")
_DROP_ALWAYS = "script, style, noscript, template, svg, head, iframe, object, embed, canvas"
_BOILERPLATE = (
    "nav, header, footer, aside, [role=navigation], [role=banner], [role=contentinfo], "
    "[aria-hidden=true], [hidden]"
)
# Cookie banners and consent platforms: ids/classes of the banner itself, not of a policy page.
_BANNER = re.compile(
    r"(?i)(cookie|consent|gdpr|rgpd)[-_ ]?(banner|bar|notice|popup|modal|wall|dialog|overlay|box)"
    r"|tarteaucitron|didomi|axeptio|onetrust|cybotcookiebot|cookie-law-info|cmpbox|qc-cmp|sd-cmp"
    r"|usercentrics|iubenda-cs|cky-consent|cmplz"
)
# Every match of _BANNER contains one of these words inside one attribute value: the CSS
# selector finds the few elements worth testing instead of a Python loop over every element
# with an id or a class (thousands on a CMS page). tests/analyze/test_html.py checks the words.
BANNER_WORDS = (
    "cookie", "consent", "gdpr", "rgpd", "tarteaucitron", "didomi", "axeptio", "onetrust",
    "cmpbox", "qc-cmp", "sd-cmp", "usercentrics", "iubenda-cs", "cmplz",
)  # fmt: skip
_BANNER_CANDIDATES = ", ".join(
    f"[{attribute}*={word} i]" for word in BANNER_WORDS for attribute in ("id", "class")
)
_SCRIPT_URL = re.compile(
    r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s"'<>\\)]*)?"""
)
_RESOURCE_SELECTORS = (
    ("script", "script[src]", "src"),
    ("image", "img[src]", "src"),
    ("image", "img[srcset]", "srcset"),
    ("iframe", "iframe[src]", "src"),
    ("stylesheet", "link[rel~=stylesheet][href]", "href"),
    ("preconnect", "link[rel~=preconnect][href]", "href"),
    ("preconnect", "link[rel~=dns-prefetch][href]", "href"),
    ("preload", "link[rel~=preload][href]", "href"),
    ("icon", "link[rel~=icon][href]", "href"),
    ("media", "video[src], audio[src], source[src], track[src]", "src"),
    ("object", "object[data]", "data"),
    ("embed", "embed[src]", "src"),
    ("form", "form[action]", "action"),
)


@dataclass(frozen=True)
class Link:
    """A hyperlink with the words a reader sees (text, title, aria-label)."""

    url: str
    text: str
    rel: str = ""


@dataclass(frozen=True)
class Resource:
    """Something the page makes the browser request (or send, for forms)."""

    url: str
    kind: str
    method: str = ""


@dataclass
class ParsedPage:
    """Everything analysis and discovery need from one HTML page."""

    title: str | None = None
    lang: str | None = None
    text: str = ""
    links: list[Link] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    meta_refresh: str | None = None


def parse_page(html: str, base_url: str, *, text: bool = True) -> ParsedPage:
    """Parse once; URLs are made absolute against ``<base href>`` or ``base_url``.

    ``text=False`` skips the main text (a second parse): the crawler only needs the links.
    """
    html = cap_depth(html)
    page = _remembered_structure(html, base_url)  # its tree is freed: one tree at a time
    if text:
        page.text = _main_text(html)
    return page


_REMEMBERED = 512  # pages: the crawl's parse serves the analysis of the same audit
_REMEMBERED_ITEMS = 5_000  # links and resources of one page worth keeping
_structures: OrderedDict[tuple[bytes, str], ParsedPage] = OrderedDict()
_structures_lock = threading.Lock()


def _remembered_structure(html: str, base_url: str) -> ParsedPage:
    """``_structure``, remembered for the last pages seen in this process.

    The crawler parses every page for its links while collecting; the analysis then needs
    the same structure again (plus the main text). The result depends only on the markup and
    the URL, so the key is a digest of both and each caller gets its own copy.
    """
    key = (
        hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        base_url,
    )
    with _structures_lock:
        known = _structures.get(key)
        if known is not None:
            _structures.move_to_end(key)
    if known is None:
        known = _structure(html, base_url)
        if len(known.links) + len(known.resources) > _REMEMBERED_ITEMS:
            return known  # a hostile page is not kept alive
        with _structures_lock:
            _structures[key] = known
            while len(_structures) > _REMEMBERED:
                _structures.popitem(last=False)
    return replace(known, links=list(known.links), resources=list(known.resources))


def _structure(html: str, base_url: str) -> ParsedPage:
    """Title, language, links, resources and meta refresh of a page."""
    tree = LexborHTMLParser(html)
    page = ParsedPage()
    title = tree.css_first("title")
    page.title = tidy(title.text()) or None if title is not None else None
    root = tree.css_first("html")
    lang = root.attributes.get("lang") if root is not None else None
    if not lang:
        meta = tree.css_first("meta[http-equiv='content-language' i]")
        lang = meta.attributes.get("content") if meta is not None else None
    page.lang = (lang or "").strip().split("-")[0].lower() or None
    base_node = tree.css_first("base[href]")
    base = urljoin(base_url, base_node.attributes.get("href") or "") if base_node else base_url
    page.links = _links(tree, base)
    page.resources = _resources(tree, base)
    refresh = tree.css_first("meta[http-equiv='refresh' i]")
    if refresh is not None:
        content = refresh.attributes.get("content") or ""
        match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", content, re.I)
        if match:
            page.meta_refresh = _absolute(base, match.group(1))
    return page


def cap_depth(html: str, limit: int = MAX_DEPTH) -> str:
    """Drop layout tags nested deeper than ``limit`` (their text stays).

    lexbor's tree builder is quadratic in the nesting depth of block elements (200,000
    nested ``<div>`` take minutes), so a hostile page could stall an audit. Chromium caps
    the depth at 512 for the same reason. Pages with fewer opening tags than
    ``_DEPTH_SCAN_FROM`` cannot be deep enough to matter and are returned without a scan.
    """
    if html.count("<") - html.count("</") < _DEPTH_SCAN_FROM:  # opening tags, at C speed
        return html
    depth = 0
    kept: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name in _NOT_NESTING or match.group(3):
            continue
        if closing:
            drop = depth > limit and name in _DROPPABLE
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > limit and name in _DROPPABLE
        if drop:
            kept.append(html[last : match.start()])
            last = match.end()
    if last == 0:
        return html
    kept.append(html[last:])
    return "".join(kept)


def main_text(html: str) -> str:
    """Readable main text of a page: boilerplate stripped, one line per block."""
    return _main_text(cap_depth(html))


def _main_text(html: str) -> str:
    marked = _BLOCK_BOUNDARY.sub(_BLOCK_MARK + "<", html)  # a plain string: no Python per match
    tree = LexborHTMLParser(marked)
    body = tree.body
    if body is None:
        return ""
    _strip(body, _DROP_ALWAYS)
    for node in body.css(_BANNER_CANDIDATES):
        marker = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
        if _BANNER.search(marker):
            node.decompose()
    main = body.css_first("main, [role=main]")
    if main is None:
        articles = body.css("article")
        main = articles[0] if len(articles) == 1 else None
    if main is not None:
        _strip(main, _BOILERPLATE)
        text = _block_text(main)
        if len(text) >= 200:
            return text
    _strip(body, _BOILERPLATE)
    return _block_text(body)


def _block_text(node: LexborNode) -> str:
    """Text with one line per block: source line breaks inside a paragraph are only spaces."""
    text = _WHITESPACE.sub(" ", node.text(separator="", deep=True))
    return tidy(text.replace(_BLOCK_MARK, "\n"))


def _strip(node: LexborNode, selector: str) -> None:
    for child in node.css(selector):
        child.decompose()


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _links(tree: LexborHTMLParser, base: str) -> list[Link]:
    links: list[Link] = []
    absolute: dict[str, str | None] = {}  # menus repeat the same hrefs: join each once
    for node in tree.css("a[href], area[href], link[rel][href]"):
        attributes = node.attributes
        rel = (attributes.get("rel") or "").lower()
        if node.tag == "link" and not any(
            r in rel for r in ("privacy-policy", "terms-of-service", "license")
        ):
            continue
        href = attributes.get("href") or ""
        if href not in absolute:
            absolute[href] = _absolute(base, href)
        url = absolute[href]
        if url is None:
            continue
        words = node.text(deep=True, separator=" ")
        title, label = attributes.get("title"), attributes.get("aria-label")
        if title or label:
            words = " ".join(part for part in (words, title, label) if part)
        links.append(Link(url=url, text=" ".join(words.split())[:300], rel=rel))
    return links


def _resources(tree: LexborHTMLParser, base: str) -> list[Resource]:
    found: list[Resource] = []
    for kind, selector, attribute in _RESOURCE_SELECTORS:
        for node in tree.css(selector):
            value = node.attributes.get(attribute) or ""
            candidates = (
                [c.strip().split(" ")[0] for c in value.split(",")]
                if attribute == "srcset"
                else [value]
            )
            method = (node.attributes.get("method") or "get").upper() if kind == "form" else ""
            for candidate in candidates:
                url = _absolute(base, candidate)
                if url is not None:
                    found.append(Resource(url=url, kind=kind, method=method))
    for node in tree.css("script:not([src])"):
        for match in _SCRIPT_URL.finditer(node.text(deep=True) or ""):
            url = _absolute(base, match.group(0))
            if url is not None:
                found.append(Resource(url=url, kind="inline-script-url"))
    return found
