"""Markdown to plain text: markup removed, one line per block, link targets kept short.

The reader quotes this plain text, so it must read like the rendered page: no ``**``, no
``\\.`` escapes, tables as ``cell | cell`` rows, links as their text (and the address when
it is short enough to be useful evidence, e.g. a sub-processor list or a DPO e-mail).
"""

from __future__ import annotations

import html
import re

_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_RULE = re.compile(r"^\s*(\*\s*\*\s*\*[\s*]*|-\s*-\s*-[\s-]*|_\s*_\s*_[\s_]*)$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?")
_IMAGE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_STRAY = re.compile(r"(?<!\w)\*{1,3}(?!\w)|\*{2,}")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")
_MAX_URL = 100
_GENERIC = re.compile(
    r"(?i)^(here|ici|this (page|link)|cette page|ce lien|link|lien|click here|cliquez ici|"
    r"available here|accessible here|disponible ici|this list|cette liste|the list|la liste|"
    r"see here|voir ici|read more|en savoir plus|learn more|(this |ce |le |our |notre )?"
    r"(form|formulaire|contact form|formulaire de contact))$"
)


def _link(match: re.Match[str]) -> str:
    text, target = match.group(1).strip(), match.group(2).strip()
    if target.startswith("mailto:"):
        email = target[7:].split("?")[0]
        return text if email in text or not text else f"{text} ({email})"
    if not text:
        return target if target.startswith("http") and len(target) <= _MAX_URL else ""
    if (
        target.startswith(("http://", "https://"))
        and len(target) <= _MAX_URL
        and _GENERIC.match(text)
    ):
        return f"{text} ({target})"
    return text


def inline(text: str) -> str:
    """Render inline Markdown (links, emphasis, code, escapes, inline HTML) as plain text."""
    text = _COMMENT.sub("", text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(_link, text)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = _TAG.sub("", text)
    text = _CODE.sub(lambda m: m.group(1), text)
    for _ in range(2):
        text = _STRONG.sub(lambda m: m.group(2), text)
    text = _EM.sub(lambda m: m.group(2), text)
    text = _STRAY.sub("", text)
    text = _ESCAPE.sub(lambda m: m.group(1), text)
    text = html.unescape(text)
    return re.sub(r"[ \t\u00a0]{2,}", " ", text).strip()


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [inline(_BR.sub("; ", c)).strip(" ;") for c in cells]


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown document, one block per line, blank lines between blocks."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    in_fence = False
    for i, raw in enumerate(lines):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw.strip())
            continue
        if _SETEXT.match(raw) and i > 0 and lines[i - 1].strip() and not _LIST.match(raw):
            continue
        if _RULE.match(raw) or _TABLE_SEP.match(raw):
            out.append("")
            continue
        line = _QUOTE.sub("", raw)
        heading = _ATX.match(line)
        if heading:
            out.extend(["", inline(heading.group(1)), ""])
            continue
        if line.strip().startswith("|") and line.count("|") >= 2:
            row = " | ".join(_cells(line)).strip(" |")
            out.append(row)
            continue
        item = _LIST.match(line)
        if item:
            marker = item.group(2)
            marker = "-" if marker in "-*+" else marker
            body = inline(_BR.sub(" ", item.group(3)))
            out.append(f"{marker} {body}" if body else "")
            continue
        out.extend(inline(piece) for piece in _BR.split(line))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def markdown_title(source: str) -> str | None:
    """The first heading, if any."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        heading = _ATX.match(line)
        if heading:
            return inline(heading.group(1)) or None
        if i + 1 < len(lines) and line.strip() and re.match(r"^\s*=+\s*$", lines[i + 1]):
            return inline(line) or None
    return None
