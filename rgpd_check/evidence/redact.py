"""A saved login's secrets kept out of the evidence: its cookie values and credentials.

An audit of a logged-in area (``--storage-state``) sends the teacher's session cookie with
the browser's requests to the tool. The server must get it, but the bundle is filed and shared
(CI artifacts, reports to a data-protection officer), and a session cookie opens the account.
So the copies that enter the evidence (WARC records, browser log) keep each such cookie's name
with its value replaced by ``<secret>``, whether the browser sends it (``Cookie``) or the site
renews it (``Set-Cookie``), and ``Authorization`` credentials likewise. Cookies the pages set
themselves, trackers' identifiers included, are evidence and stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

MASK = "<secret>"

Headers = list[tuple[str, str]]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass(frozen=True)
class Redactor:
    """Masks the saved login's cookies, by (name, domain) as the storage state lists them."""

    cookies: frozenset[tuple[str, str]]

    def _secret(self, name: str, host: str) -> bool:
        return any(
            name == secret and (not domain or host == domain or host.endswith("." + domain))
            for secret, domain in self.cookies
        )

    def cookie_header(self, url: str, value: str) -> str:
        """``a=1; session=…`` with the secret values masked."""
        host = _host(url)
        pairs = []
        for pair in value.split(";"):
            name, equals, _value = pair.strip().partition("=")
            pairs.append(f"{name}={MASK}" if equals and self._secret(name, host) else pair.strip())
        return "; ".join(pairs)

    def set_cookie(self, url: str, value: str) -> str:
        """``session=…; Path=/`` with the value masked when it renews a secret cookie."""
        first, semicolon, attributes = value.partition(";")
        name, equals, _value = first.strip().partition("=")
        if not equals or not self._secret(name, _host(url)):
            return value
        return f"{name}={MASK}{semicolon}{attributes}"

    def request_headers(self, url: str, headers: Sequence[tuple[str, str]]) -> tuple[Headers, bool]:
        """The headers to record, and whether one was masked."""
        out: Headers = []
        for name, value in headers:
            lowered = name.lower()
            if lowered == "cookie":
                value = self.cookie_header(url, value)
            elif lowered == "authorization":
                scheme = value.strip().partition(" ")[0]
                value = f"{scheme} {MASK}" if " " in value.strip() else MASK
            out.append((name, value))
        return out, out != list(headers)

    def response_headers(
        self, url: str, headers: Sequence[tuple[str, str]]
    ) -> tuple[Headers, bool]:
        """The headers to record, and whether one was masked."""
        out = [
            (name, self.set_cookie(url, value) if name.lower() == "set-cookie" else value)
            for name, value in headers
        ]
        return out, out != list(headers)
