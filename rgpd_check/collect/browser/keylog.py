"""Key-logging probe (after Blacklight): type known values, never submit, watch the wire.

A script that sends what a pupil types before they press "send" (session replay, form
analytics) is caught when one of these values, or a hash or base64 of it, leaves the page.
The matching is done offline by analysis, from the request log and these values.
"""

from __future__ import annotations

import secrets
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from rgpd_check.collect.browser.record import BrowserLog

MAX_FIELDS = 5
_FIELDS = (
    "input[type=email], input[type=text], input[type=search], input[type=tel], input:not([type]),"
    " textarea"
)


def probe_values() -> dict[str, str]:
    """Values nobody else would type, fresh per audit."""
    token = secrets.token_hex(4)
    return {"email": f"sonde.{token}@rgpd-check.invalid", "text": f"SondeRgpd{token}"}


async def probe(page: Page, log: BrowserLog) -> dict[str, Any]:
    """Fill visible text fields of ``page`` (no submit); returns what was typed where."""
    values = probe_values()
    filled: list[dict[str, Any]] = []
    try:
        fields = await page.query_selector_all(_FIELDS)
    except PlaywrightError:
        fields = []
    for field in fields:
        if len(filled) >= MAX_FIELDS:
            break
        try:
            if not await field.is_visible() or not await field.is_editable():
                continue
            kind = (await field.get_attribute("type") or "text").lower()
            value = values["email"] if kind == "email" else values["text"]
            await field.click(timeout=1000)
            await field.type(value, delay=5, timeout=3000)
            await field.evaluate("el => el.blur()")
            filled.append(
                {
                    "name": await field.get_attribute("name"),
                    "id": await field.get_attribute("id"),
                    "type": kind,
                    "value": value,
                }
            )
        except PlaywrightError:
            continue
    entry = {"page_url": page.url, "values": sorted(values.values()), "fields": filled}
    log.write("keylog_probe", **entry)
    return entry
