"""Registrable domains and cookie sites, offline."""

from __future__ import annotations

from rgpd_check.analyze.domains import cookie_site, registrable_domain


def test_registrable_domains_ignore_private_suffixes_cookie_sites_do_not() -> None:
    assert registrable_domain("www.ac-paris.fr") == "ac-paris.fr"
    assert registrable_domain("a.github.io") == registrable_domain("b.github.io") == "github.io"
    assert cookie_site("a.github.io") == "a.github.io" != cookie_site("b.github.io")
    assert cookie_site("cdn.outil.test") == "outil.test"  # special-use names still count
    assert cookie_site("192.0.2.1") == "192.0.2.1"
