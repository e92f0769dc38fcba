"""Consent banners: is one shown, by which platform, and can "refuse all" be clicked?

Known consent platforms are recognised by the selectors of the trackers knowledge base
(``banner_selectors``, ``reject_selectors``, taken from DuckDuckGo's autoconsent rules);
other banners by a common pattern (a visible dialog or bar about cookies with buttons). The
refusal button of an unknown banner is found by its words only, and labelled so.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from rgpd_check.collect.browser.js import load_js
from rgpd_check.collect.browser.record import BrowserLog

REJECT_WORDS = (
    r"^\s*(tout refuser|refuser tout|tout rejeter|rejeter tout|refuser( les cookies)?|je refuse"
    r"|continuer sans accepter|non,? merci|reject all|decline all|refuse all|deny all|reject"
    r"|decline|deny|only necessary|necessary only|uniquement (les )?(cookies )?"
    r"(n[ée]cessaires|essentiels))\s*[.!]?\s*$"
)
MARK = "data-rgpd-check-reject"

_FIND_JS = load_js("consent.js")


def known_platforms(trackers: Any) -> list[dict[str, Any]]:
    """Consent platforms of the knowledge base that say how their banner looks."""
    platforms = []
    for tracker in trackers or ():
        if not tracker.consent_platform:
            continue
        banner = list(getattr(tracker, "banner_selectors", ()) or ())
        if banner:
            platforms.append(
                {"id": tracker.id, "banner": banner, "reject": list(tracker.reject_selectors)}
            )
    return platforms


async def find_banner(
    page: Page, platforms: list[dict[str, Any]], *, mark: bool = False
) -> tuple[Frame, dict[str, Any]] | None:
    """The first banner found in the page or one of its frames."""
    for frame in page.frames:
        try:
            found = await frame.evaluate(_FIND_JS, [platforms, REJECT_WORDS, MARK, mark])
        except PlaywrightError:
            continue
        if found:
            found["frame_url"] = frame.url
            return frame, found
    return None


async def detect(page: Page, platforms: list[dict[str, Any]], log: BrowserLog) -> dict[str, Any]:
    """Record whether a banner is shown (no interaction at all)."""
    found = await find_banner(page, platforms)
    entry: dict[str, Any] = {"page_url": page.url, "detected": found is not None}
    if found is not None:
        entry.update(found[1])
    log.write("consent", **entry)
    return entry


async def refuse(page: Page, platforms: list[dict[str, Any]], log: BrowserLog) -> dict[str, Any]:
    """Click "refuse all" when it can be found; records what was clicked, or why not."""
    found = await find_banner(page, platforms, mark=True)
    entry: dict[str, Any] = {"page_url": page.url, "clicked": False}
    if found is None:
        entry["reason"] = "no_banner"
    else:
        frame, banner = found
        entry.update(platform=banner.get("platform"), banner_method=banner.get("method"))
        reject = banner.get("reject")
        if not reject:
            entry["reason"] = "no_reject_button"
        else:
            entry.update(
                selector=reject["selector"], label=reject.get("label"), method=reject["method"]
            )
            try:
                await frame.click(reject["selector"], timeout=3000)
                entry["clicked"] = True
            except PlaywrightError as exc:
                entry["reason"] = "click_failed"
                entry["error"] = str(exc).splitlines()[0][:200]
    log.write("refusal", **entry)
    return entry
