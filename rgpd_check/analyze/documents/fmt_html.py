"""HTML to text when the crawler's own ``rgpd_check.analyze.html.main_text`` is unavailable.

Kept minimal on purpose: the shared extractor strips navigation, banners and footers; this
fallback only keeps the reader working on its own (block tags become line breaks).
"""

from __future__ import annotations

import re
from html import escape

from selectolax.lexbor import LexborHTMLParser, LexborNode

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "section",
        "article",
        "table",
        "ul",
        "ol",
        "blockquote",
        "dd",
        "dt",
        "pre",
        "hr",
        "address",
        "main",
        "td",
        "th",
    }
)
_DROP = "script, style, noscript, template, svg, nav, header, footer, aside, iframe, form"
_BANNER = re.compile(r"(?i)cookie|consent|gdpr-banner|rgpd-banner|tarteaucitron|didomi|axeptio")


def _walk(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
            continue
        block = tag in _BLOCKS
        if block:
            out.append("\n")
        if tag in ("td", "th"):
            out.append(" | ")
        _walk(child, out)
        if block:
            out.append("\n")


def prepare_html(html: str) -> str:
    """Keep the structure the reader needs through text extraction.

    Page extractors put every table cell on its own line, which loses what a row says
    ("France | 15", "OVH SAS | Hosting | France"), and drop list bullets, which tell a list
    of sub-processors from prose: rows become ``cell | cell`` paragraphs, items get "- ".
    """
    lowered = html.lower()
    if "<table" not in lowered and "<li" not in lowered:
        return html
    tree = LexborHTMLParser(html)
    for item in tree.css("li"):
        first = item.child
        if first is not None:
            first.insert_before("- ")
        else:
            item.insert_child("- ")
    for table in reversed(tree.css("table")):
        rows = []
        for row in table.css("tr"):
            cells = [
                re.sub(r"\s+", " ", cell.text(separator=" ")).strip() for cell in row.css("th, td")
            ]
            cells = [c for c in cells if c]
            if cells:
                rows.append("<p>" + escape(" | ".join(cells)) + "</p>")
        replacement = LexborHTMLParser("<div>" + "".join(rows) + "</div>").css_first("div")
        if replacement is not None:
            table.replace_with(replacement)
    return tree.html or html


def fallback_main_text(html: str) -> str:
    """Readable text of a page, one line per block."""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return ""
    for node in body.css(_DROP):
        node.decompose()
    for node in body.css("[id], [class]"):
        marker = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
        if _BANNER.search(marker):
            node.decompose()
    root = body.css_first("main, [role=main], article") or body
    out: list[str] = []
    _walk(root, out)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip(" |") for line in "".join(out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in lines)).strip()


def html_title_and_lang(html: str) -> tuple[str | None, str | None]:
    """<title> and the <html lang> attribute (first two letters)."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else None
    root = tree.css_first("html")
    lang = (root.attributes.get("lang") or "")[:2].lower() if root is not None else ""
    return title or None, lang if lang in ("fr", "en") else None
