"""Decoding stored bodies safely: content-encoding with a bomb cap, then charset.

Shared by the crawler (to find links) and by analysis (to derive facts from the WARC), so
both read a page exactly the same way.
"""

from __future__ import annotations

import codecs
import re
import zlib

DEFAULT_DECODED_LIMIT = 32 * 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_content(
    raw: bytes, encoding: str | None, limit: int = DEFAULT_DECODED_LIMIT
) -> tuple[bytes, str | None]:
    """Undo gzip/deflate (never past ``limit`` bytes); returns (body, problem or None).

    A body that would inflate past the limit is a decompression bomb: it is cut and flagged.
    Unknown encodings (br, zstd) are returned as they are, flagged, rather than guessed.
    """
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    body = raw
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            wbits = 47 if coding != "deflate" else zlib.MAX_WBITS
            body, problem = _inflate(body, wbits, limit)
            if problem == "invalid" and coding == "deflate":
                body, problem = _inflate(raw, -zlib.MAX_WBITS, limit)
            if problem:
                return body, problem
        else:
            return body, f"unsupported content-encoding {coding}"
    return body, None


def _inflate(data: bytes, wbits: int, limit: int) -> tuple[bytes, str | None]:
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        return data, "invalid"
    if len(out) > limit or inflater.unconsumed_tail:
        return out[:limit], "decompression bomb"
    return out, None


def sniff_charset(body: bytes, content_type: str | None) -> str:
    """Charset from BOM, then HTTP header, then ``<meta>``, else UTF-8 (fallback cp1252)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", content_type, re.I)
        if match and _known(match.group(1)):
            return _normalise(match.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta and _known(meta.group(1).decode("ascii", "ignore")):
        return _normalise(meta.group(1).decode("ascii"))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def decode_text(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Body as text and the charset used; never raises.

    A page declared UTF-8 that is not (a common CMS mistake: Latin-1 bytes behind a UTF-8
    header) is read as windows-1252 rather than as replacement characters, so its words can
    still be matched; the charset returned says which decoding was used.
    """
    charset = sniff_charset(body, content_type)
    for bom, _ in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    text = body.decode(charset, errors="replace")
    if charset == "utf-8" and "\ufffd" in text:
        bad = text.count("\ufffd") - body.count("\ufffd".encode())
        good = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
        if bad > good:  # mostly not UTF-8: a few stray bytes in real UTF-8 stay as they are
            return body.decode("windows-1252", errors="replace"), "windows-1252"
    return text, charset


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _normalise(name: str) -> str:
    canonical = codecs.lookup(name).name
    # Browsers read ISO-8859-1 labels as windows-1252 (WHATWG): curly quotes, €, œ.
    return "windows-1252" if canonical in ("latin-1", "iso8859-1", "ascii") else canonical
