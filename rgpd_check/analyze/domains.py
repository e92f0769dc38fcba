"""Registrable domains, offline: the basis of first- versus third-party decisions.

tldextract with its bundled Public Suffix List and no download ever. Special-use names
(RFC 6761/2606: .test, .example, .localhost, .invalid, plus .internal) are not in the list,
so without ``extra_suffixes`` every ``*.test`` host would collapse into one "domain".
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import tldextract

SPECIAL_USE_SUFFIXES = ("test", "example", "localhost", "invalid", "internal", "local")


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, extra_suffixes=SPECIAL_USE_SUFFIXES
    )


def host_of(url: str) -> str:
    """Lower-case host of a URL without port ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


@cache
def registrable_domain(host: str) -> str:
    """``www.ac-paris.fr`` → ``ac-paris.fr``; an IP or a bare suffix is returned as is."""
    host = host.rstrip(".").lower()
    parts = _extractor()(host)
    return parts.top_domain_under_public_suffix or host


@cache
def cookie_site(host: str) -> str:
    """The site a browser keys cookies by: the private part of the list counts too, so
    ``a.github.io`` and ``b.github.io`` are two sites (they share one registrable domain)."""
    host = host.rstrip(".").lower()
    parts = _extractor()(host, include_psl_private_domains=True)
    return parts.top_domain_under_public_suffix or host


def same_site(host_a: str, host_b: str) -> bool:
    """True when both hosts share a registrable domain (first party to each other)."""
    return registrable_domain(host_a) == registrable_domain(host_b)
