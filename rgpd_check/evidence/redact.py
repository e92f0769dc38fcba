"""A saved login's secrets kept out of the evidence.

An audit of a logged-in area (``--storage-state``) sends the teacher's session with the
browser's requests to the tool. The server must get it, but the bundle is filed and shared (CI
artifacts, reports to a data-protection officer), and a session cookie or token opens the
account. So the copies that enter the evidence (WARC records of the browser's requests, the
browser log, hence facts and reports) never hold them:

- by name: the saved login's cookies (``Cookie``, a renewed ``Set-Cookie``, a script's
  ``document.cookie``), its localStorage keys, and ``Authorization`` credentials keep their
  name with the value replaced by ``<secret>``; a value met that way is learnt;
- by value: every saved or learnt value (of at least ``MIN_SECRET`` characters, also
  URL-encoded) is replaced wherever it appears: other headers (``X-XSRF-Token``), URLs (never
  their scheme and host: which host was contacted is evidence), POST bodies, response bodies,
  log records, and the start of one where a log field was cut.

Cookies and storage the pages set for themselves, trackers' identifiers included, are evidence
and stay as they were. A value learnt late (a token answered in JSON, then stored under a saved
key) is masked in what was recorded before at the end of the browser session (the log is
rewritten, ``WarcLog.mask`` writes the affected WARC records again); a token the site keeps
under names the saved state does not list is not known, so not masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from rgpd_check.evidence.content import decode_content

MASK = "<secret>"
URL_MASK = "%3Csecret%3E"  # the same, valid inside a URL
DECODED_PREFIX = "X-Rgpd-Check-Decoded-"  # a body stored decoded: its original coding
MIN_SECRET = 8  # shorter values ("1", "fr") are not secrets and would mask innocent text

Headers = list[tuple[str, str]]


def _host(url: str) -> str:
    """Lower-case host of a URL ('' when none): ``analyze.domains.host_of``, which the
    evidence layer does not import."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _within(host: str, domain: str) -> bool:
    return not domain or host == domain or host.endswith("." + domain)


class Redactor:
    """What one logged-in audit must keep out of its evidence; it learns renewed values."""

    def __init__(
        self,
        cookies: Iterable[tuple[str, str]] = (),
        storage: Iterable[tuple[str, str]] = (),
        values: Iterable[str] = (),
    ) -> None:
        self.cookies = frozenset((name, domain.lstrip(".").lower()) for name, domain in cookies)
        self.storage = frozenset((host.lower(), key) for host, key in storage)
        self._values: set[str] = set()
        self._text: re.Pattern[str] | None = None
        self._bytes: re.Pattern[bytes] | None = None
        for value in values:
            self.learn(value)

    # Which names are secret.

    def is_secret_cookie(self, name: str, host: str, domain: str | None = None) -> bool:
        """A saved login's cookie: same name, on its domain or a subdomain of it; a
        ``Domain=`` attribute that covers the saved domain (or lies within it) counts too."""
        host = host.lstrip(".").lower()
        wide = (domain or "").lstrip(".").lower()
        return any(
            name == secret
            and (
                _within(host, saved)
                or (bool(wide) and (_within(saved, wide) or _within(wide, saved)))
            )
            for secret, saved in self.cookies
        )

    def is_secret_storage(self, host: str, key: str) -> bool:
        """A localStorage key the saved login filled, on the same origin host."""
        return (host.lower(), key) in self.storage

    def storage_value(self, host: str, key: str, value: str) -> str:
        """A storage entry's value as recorded: masked (and learnt) under a saved key."""
        if not self.is_secret_storage(host, key):
            return value
        self.learn(value)
        return MASK

    def jar_value(self, name: str, domain: str, value: str) -> str:
        """A stored cookie's value as recorded: masked (and learnt) for a saved cookie."""
        if not self.is_secret_cookie(name, domain):
            return value
        self.learn(value)
        return MASK

    # Values.

    def learn(self, value: str) -> None:
        """Mask ``value`` from now on, wherever it appears. Too short a value is ignored, and
        so is an address (a URL saved in storage is no secret, and masking it would hide which
        host a request went to)."""
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':  # a quoted cookie value
            value = value[1:-1]
        if len(value) < MIN_SECRET or value.startswith(("http://", "https://", "//")):
            return
        forms = {value, quote(value, safe=""), quote_plus(value)} - self._values
        if forms:
            self._values |= forms
            self._text = self._bytes = None

    def _text_pattern(self) -> re.Pattern[str] | None:
        if self._text is None and self._values:
            ordered = sorted(self._values, key=len, reverse=True)  # longest form first
            self._text = re.compile("|".join(re.escape(v) for v in ordered))
        return self._text

    def scrub(self, text: str) -> str:
        """``text`` with every known secret value masked, and a cut one at its end."""
        pattern = self._text_pattern()
        if pattern is None:
            return text
        return self._cut_tail(pattern.sub(MASK, text))

    def _cut_tail(self, text: str) -> str:
        """A field cut to a length (the browser log clips values) may end with the start of a
        secret: that start is masked too."""
        for value in self._values:
            at = text.rfind(value[:MIN_SECRET], max(0, len(text) - len(value)))
            if at >= 0 and value.startswith(text[at:]):
                return text[:at] + MASK
        return text

    def scrub_url(self, url: str) -> str:
        """A URL with secrets masked after its host, as a URL can carry them."""
        pattern = self._text_pattern()
        if pattern is None:
            return url
        scheme, sep, rest = url.partition("://")
        if not sep:
            return pattern.sub(URL_MASK, url)
        authority, slash, tail = rest.partition("/")
        return f"{scheme}://{authority}{slash}{pattern.sub(URL_MASK, tail)}"

    def scrub_bytes(self, data: bytes) -> bytes:
        """``data`` with every known secret value (UTF-8) masked."""
        if self._bytes is None and self._values:
            ordered = sorted(self._values, key=len, reverse=True)
            self._bytes = re.compile(b"|".join(re.escape(v.encode("utf-8")) for v in ordered))
        if self._bytes is None:
            return data
        return self._bytes.sub(MASK.encode("ascii"), data)

    def scrub_record(self, value: Any) -> Any:
        """A log record (nested dicts, lists, strings) with every known secret value masked."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {key: self.scrub_record(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_record(item) for item in value]
        return value

    # Headers.

    def cookie_header(self, url: str, value: str) -> str:
        """``a=1; session=…`` with the saved login's values masked (and learnt)."""
        host = _host(url)
        changed = False
        pairs = []
        for pair in value.split(";"):
            name, equals, secret = pair.strip().partition("=")
            if equals and self.is_secret_cookie(name, host):
                self.learn(secret)
                pairs.append(f"{name}={MASK}")
                changed = True
            else:
                pairs.append(pair.strip())
        return self.scrub("; ".join(pairs) if changed else value)

    def set_cookie(self, url: str, value: str) -> str:
        """``session=…; Path=/`` with the value masked (and learnt) when it renews a secret
        cookie; a cookie of the page's own stays as it is."""
        first, semicolon, attributes = value.partition(";")
        name, equals, secret = first.strip().partition("=")
        domain = next(
            (
                part.partition("=")[2].strip()
                for part in attributes.split(";")
                if part.strip().lower().startswith("domain=")
            ),
            None,
        )
        if equals and self.is_secret_cookie(name, _host(url), domain):
            self.learn(secret)
            return self.scrub(f"{name}={MASK}{semicolon}{attributes}")
        return self.scrub(value)

    def request_headers(self, url: str, headers: Sequence[tuple[str, str]]) -> tuple[Headers, bool]:
        """The headers to record, and whether one was masked."""
        out: Headers = []
        for name, value in headers:
            lowered = name.lower()
            if lowered == "cookie":
                value = self.cookie_header(url, value)
            elif lowered in ("authorization", "proxy-authorization"):
                scheme, space, credential = value.strip().partition(" ")
                self.learn(credential if space else scheme)
                value = f"{scheme} {MASK}" if space else MASK
            else:
                value = self.scrub(value)
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
        out = [(name, self.scrub(value)) for name, value in out]
        return out, out != list(headers)

    # The WARC copy of a relayed exchange.

    def request_copy(
        self, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[str, Headers, bytes, list[str]]:
        """A request as the WARC keeps it: (URL, headers, body, names of the masked parts)."""
        masked_url = self.scrub_url(url)
        masked_headers, changed = self.request_headers(url, headers)
        masked_body = self.scrub_bytes(body)
        parts = [
            ("url", masked_url != url),
            ("request-headers", changed),
            ("request-body", masked_body != body),
        ]
        return masked_url, masked_headers, masked_body, [name for name, hit in parts if hit]

    def response_copy(
        self, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[str, Headers, bytes, list[str]]:
        """A response as the WARC keeps it. A compressed body holding a secret is stored
        decoded, its ``Content-Encoding`` and ``Content-Length`` renamed so that readers do
        not decode it again; one that cannot be decoded is masked as it is, marked unchecked."""
        masked_url = self.scrub_url(url)
        masked_headers, changed = self.response_headers(url, headers)
        coding = next((v for k, v in masked_headers if k.lower() == "content-encoding"), None)
        decoded, problem = decode_content(body, coding) if coding else (body, None)
        masked_body = self.scrub_bytes(body if problem else decoded)
        if problem is None and masked_body == decoded:
            masked_body = body  # nothing to mask: the body stays as received
        elif problem is None and coding:
            renamed = ("content-encoding", "content-length")
            masked_headers = [
                (DECODED_PREFIX + k if k.lower() in renamed else k, v) for k, v in masked_headers
            ]
        parts = [
            ("url", masked_url != url),
            ("response-headers", changed),
            ("response-body", masked_body != body),
            ("response-body-unchecked", problem is not None),
        ]
        return masked_url, masked_headers, masked_body, [name for name, hit in parts if hit]
