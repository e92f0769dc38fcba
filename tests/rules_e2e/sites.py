"""Fictional tool sites for the rule e2e tests; their documents live in ``docs/<site>/``.

Every text was written for these tests (French and English); none comes from a real vendor.
"""

from __future__ import annotations

from pathlib import Path

from tests.testweb.model import Route, Site

DOCS = Path(__file__).parent / "docs"


def _page(site: str, name: str) -> str:
    return (DOCS / site / name).read_text(encoding="utf-8")


def bonpad() -> Site:
    """French, careful vendor: processor, full DPA, sub-processors, student notice, HSTS."""
    pages: dict[str, Route | str] = {
        "/": Route(body=_page("bonpad", "accueil.html"),
                   set_cookies=["bonpad_sid=s3ss10n; Path=/; Secure; HttpOnly; SameSite=Lax"]),
        "/confidentialite": _page("bonpad", "confidentialite.html"),
        "/confidentialite-eleves": _page("bonpad", "confidentialite-eleves.html"),
        "/cgu": _page("bonpad", "cgu.html"),
        "/mentions-legales": _page("bonpad", "mentions-legales.html"),
        "/contrat-sous-traitance": _page("bonpad", "contrat-sous-traitance.html"),
        "/sous-traitants": _page("bonpad", "sous-traitants.html"),
    }
    return Site("bonpad.test", pages=pages, https_only_redirect=True,
                hsts="max-age=31536000; includeSubDomains")


def quizmax() -> Site:
    """English-only vendor: controller, ads and profiling, US transfer, 13+ under COPPA.

    Plain HTTP is served without a redirect, no HSTS, a login form posts over HTTP, an image
    is loaded over HTTP and the session cookie lacks ``Secure``.
    """
    pages: dict[str, Route | str] = {
        "/": Route(body=_page("quizmax", "home.html"),
                   set_cookies=["qm_session=abc123; Path=/; HttpOnly"]),
        "/privacy": _page("quizmax", "privacy.html"),
        "/terms": _page("quizmax", "terms.html"),
    }
    return Site("quizmax.test", pages=pages)


def planpad() -> Site:
    """French policy, an English DPA for paid plans only that lacks clauses (b), (e), (h)."""
    pages: dict[str, Route | str] = {
        "/": _page("planpad", "accueil.html"),
        "/confidentialite": _page("planpad", "confidentialite.html"),
        "/cgu": _page("planpad", "cgu.html"),
        "/mentions-legales": _page("planpad", "mentions-legales.html"),
        "/legal/dpa": _page("planpad", "dpa.html"),
    }
    return Site("planpad.test", pages=pages, https_only_redirect=True, hsts="max-age=86400")


def discret(blocked_by: str) -> Site:
    """A site whose privacy policy cannot be read: ``robots`` (disallowed) or ``error`` (500)."""
    pages: dict[str, Route | str] = {
        "/": _page("discret", "accueil.html"),
        "/cgu": _page("discret", "cgu.html"),
        "/mentions-legales": _page("discret", "mentions-legales.html"),
        "/confidentialite": _page("discret", "confidentialite.html"),
    }
    robots = None
    if blocked_by == "robots":
        robots = "User-agent: *\nDisallow: /confidentialite\n"
    elif blocked_by == "error":
        pages["/confidentialite"] = Route(status=500, body="Erreur interne")
    else:
        raise ValueError(f"unknown blocking mode {blocked_by!r}")
    return Site("discret.test", pages=pages, robots_txt=robots, https_only_redirect=True,
                hsts="max-age=31536000")


def perime() -> Site:
    """HTTPS with an expired certificate; plain HTTP answers without redirecting."""
    home = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Périmé</title>'
            '</head><body><h1>Périmé</h1><a href="/cgu">CGU</a></body></html>')
    return Site("perime.test", pages={"/": home, "/cgu": "<p>Conditions.</p>"},
                tls_fault="expired")
