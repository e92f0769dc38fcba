"""Starting Playwright and Chromium: ahead of time, and once per batch when asked.

Starting the driver and the browser takes 1–3 s; ``collect`` starts it while the crawler
works (:meth:`BrowserLaunch.start`), and ``browse`` takes it over once the crawl is done.

Every audit gets its own new context (cookie jar, storage and cache in memory, gone when it
closes) of a browser started on a fresh profile, whose only setting is the third-party cookie
policy: the contexts inherit it. Inside :func:`shared_browser` (a batch) one browser per
policy serves every audit of the process, so the launch and the driver's memory are paid
once; outside it each audit starts and stops its own. Both give the same evidence.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from rgpd_check.collect.browser.chromium import LAUNCH_ARGS, find_chromium, write_profile
from rgpd_check.collect.browser.session import BrowserOptions

T = TypeVar("T")

# What a pupil's browser looks like; the same for every audit's context.
CONTEXT_OPTIONS: dict[str, Any] = {
    "ignore_https_errors": False,
    "service_workers": "block",
    "locale": "fr-FR",
    "timezone_id": "Europe/Paris",
    "viewport": {"width": 1280, "height": 800},
}


@dataclass
class Running:
    """A started Chromium: the driver, the fresh profile and the profile's own context.

    The profile's context only carries the cookie policy to the audits' contexts; its
    blank start page is closed (a renderer process less).
    """

    playwright: Playwright
    holder: BrowserContext
    profile: tempfile.TemporaryDirectory[str]

    @property
    def browser(self) -> Browser:
        browser = self.holder.browser
        if browser is None:  # Playwright gives one for Chromium's persistent contexts
            raise RuntimeError("Chromium sans navigateur / no browser behind the context")
        return browser

    def alive(self) -> bool:
        return self.holder.browser is not None and self.holder.browser.is_connected()

    async def new_context(self) -> BrowserContext:
        return await self.browser.new_context(**CONTEXT_OPTIONS)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.holder.close()
        with contextlib.suppress(Exception):
            await self.playwright.stop()
        self.profile.cleanup()


async def start_browser(mode: str, executable: str) -> Running:
    """Playwright's driver and Chromium on a fresh profile with the cookie policy of ``mode``."""
    profile = tempfile.TemporaryDirectory(prefix="rgpd-check-profile-")
    write_profile(Path(profile.name), mode)
    playwright = await async_playwright().start()
    try:
        holder = await playwright.chromium.launch_persistent_context(
            profile.name, executable_path=executable, headless=True, args=list(LAUNCH_ARGS)
        )
        for page in list(holder.pages):
            await page.close()
    except BaseException:
        await playwright.stop()
        profile.cleanup()
        raise
    return Running(playwright, holder, profile)


class SharedBrowsers:
    """One running browser per (executable, cookie policy), started on first use.

    A browser that crashed or failed to start is started again for the next audit.
    """

    def __init__(self) -> None:
        self._tasks: dict[tuple[str, str], asyncio.Task[Running]] = {}
        self._lock = asyncio.Lock()

    async def context(self, settings: BrowserOptions, executable: str) -> BrowserContext:
        """A new context of the shared browser (started now if needed)."""
        key = (executable, settings.mode)
        async with self._lock:
            task = self._tasks.get(key)
            if task is None or not await _usable(task):
                started = start_browser(settings.mode, executable)
                task = asyncio.get_running_loop().create_task(started)
                self._tasks[key] = task
        # Shielded: an audit cancelled while the browser starts must not stop it for others.
        running = await asyncio.shield(task)
        return await running.new_context()

    async def close(self) -> None:
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            await _stop(task)


async def _usable(task: asyncio.Task[Running]) -> bool:
    """Starting, or started and still connected; a dead one is cleaned up."""
    if not task.done():
        return True
    if not task.cancelled() and task.exception() is None and task.result().alive():
        return True
    await _stop(task)
    return False


async def _outcome(task: asyncio.Task[T]) -> T | None:
    """What a start-up task produced, cancelling it if still running (None: nothing to undo)."""
    if not task.done():
        task.cancel()
    try:
        return await task
    except BaseException:  # noqa: BLE001 - cancelled or failed: nothing left to stop
        return None


async def _stop(task: asyncio.Task[Running]) -> None:
    running = await _outcome(task)
    if running is not None:
        await running.stop()


_SHARED: ContextVar[SharedBrowsers | None] = ContextVar("rgpd_check_shared_browser", default=None)


@contextlib.asynccontextmanager
async def shared_browser() -> AsyncIterator[SharedBrowsers]:
    """Audits run inside this block (and the tasks it starts) share one browser launch."""
    browsers = SharedBrowsers()
    token = _SHARED.set(browsers)
    try:
        yield browsers
    finally:
        _SHARED.reset(token)
        await browsers.close()


async def _with_page(context: BrowserContext) -> BrowserContext:
    """The context with its page open: the page's renderer starts now, while the crawler works."""
    try:
        await context.new_page()
    except BaseException:
        with contextlib.suppress(Exception):
            await context.close()
        raise
    return context


@dataclass
class Launched:
    """One audit's context; ``running`` is set when the audit owns its browser."""

    context: BrowserContext
    running: Running | None = None


class BrowserLaunch:
    """One audit's browser context, being opened in the background."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.settings = BrowserOptions.from_dict(options)
        self.executable = self.settings.executable or find_chromium()
        shared = _SHARED.get()
        self.shared = shared is not None
        self._task: asyncio.Task[Launched] | None = None
        if self.executable is not None:
            self._task = asyncio.get_running_loop().create_task(self._open(shared, self.executable))

    @classmethod
    def start(cls, options: dict[str, Any]) -> BrowserLaunch:
        """Start now; nothing is raised here (failures surface in :meth:`result`)."""
        return cls(options)

    async def _open(self, shared: SharedBrowsers | None, executable: str) -> Launched:
        if shared is not None:
            return Launched(await _with_page(await shared.context(self.settings, executable)))
        running = await start_browser(self.settings.mode, executable)
        try:
            return Launched(await _with_page(await running.new_context()), running)
        except BaseException:
            await running.stop()
            raise

    async def result(self) -> Launched:
        """The open context; raises what the launch raised."""
        if self._task is None:
            raise FileNotFoundError("Chromium introuvable / Chromium not found")
        return await self._task

    async def close(self) -> None:
        """Close the context (or the opening still under way), and the browser if owned."""
        task, self._task = self._task, None
        if task is None:
            return
        launched = await _outcome(task)
        if launched is None:
            return
        with contextlib.suppress(Exception):
            await launched.context.close()
        if launched.running is not None:
            await launched.running.stop()
