"""Logged-in areas: start the browser from a Playwright storage state (``--storage-state``).

The state (cookies and localStorage per origin) is what ``context.storage_state()`` saves
after a teacher logs in by hand. Its values are secrets: the bundle records the file's SHA-256
and the cookie names, and ``redactor_for`` masks the cookie and storage values wherever they
appear in the WARC copies of the browser's requests and in the browser log
(``evidence/redact.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Route

from rgpd_check.analyze.domains import host_of
from rgpd_check.collect.browser.record import BrowserLog
from rgpd_check.errors import InputError
from rgpd_check.evidence.redact import Redactor

PHASE_SEEDING = "storage_state"


def read_storage_state(path: Path) -> dict[str, Any]:
    """Parse and check a storage-state file; raises InputError with a one-line reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: état de session illisible / unreadable storage state: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: état de session invalide / invalid storage state")
    cookies = data.get("cookies", [])
    origins = data.get("origins", [])
    if not isinstance(cookies, list) or not isinstance(origins, list):
        raise InputError(f"{path}: 'cookies' et 'origins' doivent être des listes / must be lists")
    for cookie in cookies:
        if not isinstance(cookie, dict) or not {"name", "value"} <= cookie.keys():
            raise InputError(f"{path}: cookie sans nom ou valeur / cookie without name or value")
        if "domain" not in cookie and "url" not in cookie:
            raise InputError(f"{path}: cookie {cookie['name']!r} sans domaine / without domain")
    for origin in origins:
        if not isinstance(origin, dict) or not str(origin.get("origin", "")).startswith("http"):
            raise InputError(f"{path}: origine invalide / invalid origin entry")
    return {"cookies": cookies, "origins": origins, "sha256": _sha256(path)}


async def apply_storage_state(
    context: BrowserContext, state: dict[str, Any], log: BrowserLog
) -> None:
    """Load cookies into the jar and localStorage into each origin, without any network."""
    previous = log.phase
    log.phase = PHASE_SEEDING
    cookies = [_cookie(c) for c in state["cookies"]]
    if cookies:
        await context.add_cookies(cookies)  # type: ignore[arg-type]
    origins = [o for o in state["origins"] if o.get("localStorage")]
    if origins:
        page = await context.new_page()

        async def blank(route: Route) -> None:
            await route.fulfill(status=200, content_type="text/html", body="<html></html>")

        await page.route("**/*", blank)
        for origin in origins:
            await page.goto(str(origin["origin"]).rstrip("/") + "/")
            await page.evaluate(
                "items => { for (const i of items) localStorage.setItem(i.name, i.value); }",
                origin["localStorage"],
            )
        await page.close()
    log.write(
        "storage_state",
        sha256=state["sha256"],
        cookies=[{"name": c["name"], "domain": c.get("domain") or c.get("url")} for c in cookies],
        origins=[str(o["origin"]) for o in state["origins"]],
    )
    log.phase = previous


def secret_cookies(state: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """(name, domain) of the saved login's cookies (a cookie given by ``url``: its host)."""
    return frozenset(
        (str(c["name"]), str(c.get("domain") or host_of(str(c.get("url") or ""))).lstrip("."))
        for c in state["cookies"]
    )


def redactor_for(state: dict[str, Any]) -> Redactor:
    """What the saved login puts in the browser, to be kept out of the evidence: its cookies
    and localStorage entries, by name and by value."""
    storage = [
        (host_of(str(origin["origin"])), str(item.get("name")))
        for origin in state["origins"]
        for item in origin.get("localStorage") or []
        if isinstance(item, dict)
    ]
    values = [str(c.get("value") or "") for c in state["cookies"]] + [
        str(item.get("value") or "")
        for origin in state["origins"]
        for item in origin.get("localStorage") or []
        if isinstance(item, dict)
    ]
    return Redactor(secret_cookies(state), storage, values)


def _cookie(raw: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "value", "domain", "path", "url", "expires", "httpOnly", "secure", "sameSite")
    cookie = {k: raw[k] for k in keys if k in raw and raw[k] is not None}
    if "domain" in cookie:
        cookie.setdefault("path", "/")
        cookie.pop("url", None)
    return cookie


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
