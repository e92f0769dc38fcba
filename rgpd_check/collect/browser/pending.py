"""What the pages of a visit have scheduled soon: timers, finite animations, a meta refresh.

Tag managers and pixels often fire from a timer after the network went quiet, so the visit
used to sleep a fixed "linger" after each quiet. The timers are known instead
(:data:`INIT_SCRIPT` keeps the list in every frame), so the wait lasts until the last one due
in that window has run, and ends at once when none is. Whatever cannot be seen from there
(a worker, a frame without the script, a playing video) makes the caller wait the whole
window, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from rgpd_check.collect.browser.js import load_js

INIT_SCRIPT = load_js("timers.js")
_QUERY_JS = load_js("pending.js")
# A frame stuck in a long task does not answer: then its schedule is unknown.
QUERY_TIMEOUT = 2.0


@dataclass(frozen=True)
class Scheduled:
    """Seconds until the last thing due within the horizon (None: nothing), or why unknown."""

    due_in: float | None = None
    items: int = 0
    unknown: str | None = None


async def scheduled(pages: Sequence[Page], horizon: float) -> Scheduled:
    """Look at every frame of ``pages`` (and their workers) for work due within ``horizon`` s.

    All the context's pages are given: a pop-up's timers count as much as the page's own.
    """
    if any(page.workers for page in pages):
        return Scheduled(unknown="worker")
    frames = [frame for page in pages for frame in page.frames]
    try:
        async with asyncio.timeout(QUERY_TIMEOUT):
            return await _frames(frames, horizon)
    except TimeoutError:
        return Scheduled(unknown="frame_busy")


async def _frames(frames: list[Frame], horizon: float) -> Scheduled:
    latest: float | None = None
    items = 0
    for frame in frames:
        if frame.is_detached() or frame.url.startswith("chrome-error:"):
            continue
        try:
            found = await frame.evaluate(_QUERY_JS, horizon * 1000)
        except PlaywrightError:
            return Scheduled(unknown="frame_unreadable")
        if not isinstance(found, dict) or found.get("unknown"):
            reason = found.get("unknown") if isinstance(found, dict) else None
            return Scheduled(unknown=str(reason or "frame_unreadable"))
        items += int(found.get("count") or 0)
        if found.get("latest") is not None:
            due = float(found["latest"]) / 1000
            latest = due if latest is None else max(latest, due)
    return Scheduled(due_in=latest, items=items)
