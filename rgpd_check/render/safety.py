"""Which URLs from a report may become links.

Reports quote third-party pages: a URL is made clickable only when it is a plain http(s)
address, so ``javascript:`` or ``data:`` never reach an ``href``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_UNSAFE_CHARS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host and no character that breaks out of it."""
    if not isinstance(value, str) or _UNSAFE_CHARS.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def markdown_url(value: str) -> str:
    """An http(s) URL made safe inside Markdown ``<...>`` autolinks and ``(...)`` targets."""
    return quote(value, safe="/:?#[]@!$&'*+,;=%~-._")
