"""What the browser holds at a point in time: its cookie jar, each frame's storage, a picture.

Stored cookies come from the jar (not from headers), so they show what the browser really
kept; each frame is read separately, so a third-party iframe's storage is seen too.
"""

from __future__ import annotations

import hashlib
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from rgpd_check.analyze.domains import host_of
from rgpd_check.collect.browser.js import load_js
from rgpd_check.collect.browser.record import BrowserLog
from rgpd_check.evidence.bundle import BundleWriter
from rgpd_check.evidence.redact import Redactor

MAX_ITEMS = 200
MAX_VALUE = 300

_STORAGE_JS = load_js("storage.js")

_COOKIE_FIELDS = ("name", "domain", "path", "expires", "httpOnly", "secure", "sameSite")


async def record_cookies(context: BrowserContext, log: BrowserLog) -> list[dict[str, Any]]:
    """The jar as the browser holds it (values cut: they are identifiers, not content).

    A saved login's cookies (``log.redactor``) are recorded with a masked value.
    """
    cookies = []
    redactor = log.redactor
    for cookie in await context.cookies():
        item: dict[str, Any] = {key: cookie.get(key) for key in _COOKIE_FIELDS}
        name, domain = str(cookie.get("name")), str(cookie.get("domain", ""))
        value = str(cookie.get("value", ""))
        if redactor is not None:
            value = redactor.jar_value(name, domain, value)
        item["value"] = value[:MAX_VALUE]
        partition = cookie.get("partitionKey")
        if partition:
            item["partition_key"] = partition
        cookies.append(item)
    log.write("cookies", cookies=cookies)
    return cookies


async def record_storage(page: Page, log: BrowserLog) -> list[dict[str, Any]]:
    """localStorage and sessionStorage of every frame of ``page``."""
    frames = []
    for frame in page.frames:
        if not frame.url.startswith(("http://", "https://")):
            continue
        try:
            data = await frame.evaluate(_STORAGE_JS, [MAX_ITEMS, MAX_VALUE])
        except PlaywrightError as exc:
            data = {"href": frame.url, "error": str(exc).splitlines()[0][:200]}
        data["frame_url"] = frame.url
        data["top"] = frame.parent_frame is None
        if log.redactor is not None and isinstance(data.get("local"), list):
            data["local"] = [_masked(log.redactor, frame.url, item) for item in data["local"]]
        frames.append(data)
    log.write("storage", page_url=page.url, frames=frames)
    return frames


def _masked(redactor: Redactor, frame_url: str, item: Any) -> Any:
    """A localStorage ``[key, value]`` pair, its value masked under a saved login's key."""
    if isinstance(item, list) and len(item) == 2:
        key = str(item[0])
        return [key, redactor.storage_value(host_of(frame_url), key, str(item[1]))]
    return item


async def record_screenshot(page: Page, bundle: BundleWriter, log: BrowserLog, name: str) -> None:
    """A PNG of the page as the pupil first sees it (banner included)."""
    try:
        png = await page.screenshot(full_page=False, timeout=10_000)
    except PlaywrightError as exc:
        log.write("screenshot", file=None, url=page.url, error=str(exc).splitlines()[0][:200])
        return
    bundle.add_file(name, png)
    log.write(
        "screenshot",
        file=f"files/{name}",
        url=page.url,
        sha256=hashlib.sha256(png).hexdigest(),
        size=len(png),
    )
