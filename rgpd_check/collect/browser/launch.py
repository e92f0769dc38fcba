"""Starting Playwright and Chromium, ahead of time when possible.

Starting the driver and the browser takes 2–3 s; ``collect`` starts it while the crawler
works (:meth:`BrowserLaunch.start`), and ``browse`` takes it over once the crawl is done.
Whoever holds a launch closes it: the profile is deleted with the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Playwright, async_playwright

from rgpd_check.collect.browser.chromium import LAUNCH_ARGS, find_chromium, write_profile
from rgpd_check.collect.browser.session import BrowserOptions


@dataclass
class Launched:
    """A running browser with its fresh profile."""

    playwright: Playwright
    context: BrowserContext
    profile: tempfile.TemporaryDirectory[str]


async def _launch(settings: BrowserOptions, executable: str) -> Launched:
    profile = tempfile.TemporaryDirectory(prefix="rgpd-check-profile-")
    write_profile(Path(profile.name), settings.mode)
    playwright = await async_playwright().start()
    try:
        context = await playwright.chromium.launch_persistent_context(
            profile.name,
            executable_path=executable,
            headless=True,
            args=list(LAUNCH_ARGS),
            ignore_https_errors=False,
            service_workers="block",
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 800},
        )
    except BaseException:
        await playwright.stop()
        profile.cleanup()
        raise
    return Launched(playwright, context, profile)


async def _shutdown(launched: Launched) -> None:
    with contextlib.suppress(Exception):
        await launched.context.close()
    with contextlib.suppress(Exception):
        await launched.playwright.stop()
    launched.profile.cleanup()


class BrowserLaunch:
    """A browser being started in the background for one audit."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.settings = BrowserOptions.from_dict(options)
        self.executable = self.settings.executable or find_chromium()
        self._task: asyncio.Task[Launched] | None = None
        if self.executable is not None:
            self._task = asyncio.get_running_loop().create_task(
                _launch(self.settings, self.executable)
            )

    @classmethod
    def start(cls, options: dict[str, Any]) -> BrowserLaunch:
        """Start now; nothing is raised here (failures surface in :meth:`result`)."""
        return cls(options)

    async def result(self) -> Launched:
        """The running browser; raises what the launch raised."""
        if self._task is None:
            raise FileNotFoundError("Chromium introuvable / Chromium not found")
        return await self._task

    async def close(self) -> None:
        """Stop the browser (or the launch still under way) and delete its profile."""
        task, self._task = self._task, None
        if task is None:
            return
        if not task.done():
            task.cancel()
        try:
            launched = await task
        except BaseException:  # noqa: BLE001 - cancelled or failed: nothing left to close
            return
        await _shutdown(launched)
