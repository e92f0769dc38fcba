"""One browser visit of a tool: entry pages and key documents without any consent, then probes.

Order matters for what the evidence means: everything before the refusal step is what a
pupil's browser does when nobody touches the banner (the state rules judge); the key-logging
probe and "refuse all" come last, each in its own labelled phase.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, CDPSession, Page, WebSocketRoute
from playwright.async_api import Error as PlaywrightError

from rgpd_check import __version__
from rgpd_check.collect.browser import consent, keylog, pending
from rgpd_check.collect.browser.chromium import THIRD_PARTY_BLOCKED
from rgpd_check.collect.browser.instrument import BINDING, INIT_SCRIPT, Instrumentation
from rgpd_check.collect.browser.record import (
    PHASE_KEYLOG,
    PHASE_LOAD,
    PHASE_REFUSED,
    BrowserLog,
    clip,
)
from rgpd_check.collect.browser.relay import DEFAULT_MAX_REQUESTS, Relay
from rgpd_check.collect.browser.snapshot import record_cookies, record_screenshot, record_storage
from rgpd_check.collect.browser.storage_state import (
    apply_storage_state,
    read_storage_state,
    redactor_for,
)
from rgpd_check.collect.net import PROJECT_URL, NetClient
from rgpd_check.evidence.bundle import BundleWriter

KEY_DOCUMENT_TYPES = ("privacy_policy", "cookie_policy", "terms", "legal_notice")
MAX_WS_FRAMES = 20


@dataclass(frozen=True)
class BrowserOptions:
    """Browser-mode settings (``CollectOptions.browser_options`` as a dict)."""

    mode: str = "third_party_cookies_allowed"
    executable: str | None = None
    storage_state: Path | None = None
    max_documents: int = 3
    navigation_timeout: float = 20.0
    settle_quiet: float = 0.4
    settle_limit: float = 6.0
    linger: float = 0.6
    keylog: bool = True
    refuse: bool = True
    max_requests: int = DEFAULT_MAX_REQUESTS
    time_budget: float = 180.0

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> BrowserOptions:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        if known.get("storage_state") is not None:
            known["storage_state"] = Path(known["storage_state"])
        return cls(**known)


def key_documents(events: list[dict[str, Any]], limit: int) -> list[tuple[str, str]]:
    """(URL, type) of the documents the crawler found, one per type, policy first."""
    found: dict[str, str] = {}
    for event in events:
        via = event.get("via") or {}
        doc_type = via.get("type")
        if (
            event.get("kind") == "page"
            and event.get("purpose") in ("document", "well_known")
            and doc_type in KEY_DOCUMENT_TYPES
            and event.get("status") == 200
            and doc_type not in found
            and not _is_download(str(event.get("final_url") or event.get("url")))
        ):
            found[str(doc_type)] = str(event.get("final_url") or event.get("url"))
    ordered = [(found[t], t) for t in KEY_DOCUMENT_TYPES if t in found]
    return ordered[:limit]


def _is_download(url: str) -> bool:
    """A PDF or office file would start a download, not show a page: the crawler reads it."""
    path = urlsplit(url).path.lower()
    return path.endswith((".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt"))


class BrowserSession:
    """Drives one persistent context through the phases of a visit."""

    def __init__(
        self,
        context: BrowserContext,
        net: NetClient,
        bundle: BundleWriter,
        log: BrowserLog,
        options: BrowserOptions,
        platforms: list[dict[str, Any]],
    ) -> None:
        self.context = context
        self.bundle = bundle
        self.log = log
        self.options = options
        self.platforms = platforms
        self.relay = Relay(
            net, log, options.max_requests, block_third_party=options.mode == THIRD_PARTY_BLOCKED
        )
        self.instrumentation = Instrumentation(log)
        self._cdp: list[CDPSession] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.user_agent = ""
        self.version = ""
        self.pages_visited = 0

    async def install(self) -> None:
        """Relay, instrumentation and DevTools capture, before any page loads."""
        self.context.set_default_navigation_timeout(self.options.navigation_timeout * 1000)
        await self.context.route("**/*", self.relay.handle)
        await self.context.route_web_socket("**/*", self._websocket)
        await self.context.expose_binding(BINDING, self.instrumentation.report)
        await self.context.add_init_script(INIT_SCRIPT)
        await self.context.add_init_script(pending.INIT_SCRIPT)
        self.context.on("page", self._on_page)

    async def page(self) -> Page:
        page = self.context.pages[0] if self.context.pages else await self.context.new_page()
        await self._attach(page)
        return page

    def _on_page(self, page: Page) -> None:
        task = asyncio.get_running_loop().create_task(self._attach(page))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _attach(self, page: Page) -> None:
        """DevTools session: initiators, and requests that escape interception."""
        if any(getattr(s, "_rgpd_page", None) is page for s in self._cdp):
            return
        try:
            cdp = await self.context.new_cdp_session(page)
        except PlaywrightError:
            return
        cdp._rgpd_page = page  # type: ignore[attr-defined]
        self._cdp.append(cdp)
        cdp.on("Network.requestWillBeSent", self._will_be_sent)
        cdp.on("Network.loadingFailed", self._loading_failed)
        try:
            await cdp.send("Network.enable")
            if not self.version:
                info = await cdp.send("Browser.getVersion")
                self.version = str(info.get("product", ""))
                agent = str(info.get("userAgent", "")).replace("HeadlessChrome", "Chrome")
                self.user_agent = f"{agent} rgpd-check/{__version__} (+{PROJECT_URL})"
            await cdp.send(
                "Network.setUserAgentOverride",
                {"userAgent": self.user_agent, "acceptLanguage": "fr-FR,fr;q=0.9,en;q=0.6"},
            )
        except PlaywrightError:
            pass

    def _will_be_sent(self, event: dict[str, Any]) -> None:
        request = event.get("request") or {}
        url = str(request.get("url", ""))
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            return
        initiator = event.get("initiator") or {}
        frames = ((initiator.get("stack") or {}).get("callFrames")) or []
        script = next((f.get("url") for f in frames if f.get("url")), None)
        self.log.write(
            "initiator",
            request_id=event.get("requestId"),
            url=clip(url, 4000),
            method=request.get("method"),
            resource_type=event.get("type"),
            initiator_type=initiator.get("type"),
            initiator_url=initiator.get("url") or script,
            script=script,
            document_url=event.get("documentURL"),
        )

    def _loading_failed(self, event: dict[str, Any]) -> None:
        self.log.write(
            "load_failed",
            request_id=event.get("requestId"),
            resource_type=event.get("type"),
            error_text=event.get("errorText"),
            blocked_reason=event.get("blockedReason"),
            canceled=event.get("canceled"),
        )

    def _websocket(self, ws: WebSocketRoute) -> None:
        """Not relayed (our client speaks HTTP only): no server is contacted; what the page
        sends is recorded from the browser side, and labelled so."""
        seq = self.log.write(
            "websocket",
            url=ws.url,
            relayed=False,
            captured_by="browser_protocol",
            note="WebSocket non relayé : aucun serveur contacté / not relayed: no server contacted",
        )
        sent = 0

        def on_message(message: str | bytes) -> None:
            nonlocal sent
            sent += 1
            if sent > MAX_WS_FRAMES:
                return
            text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
            self.log.write("websocket_frame", socket_seq=seq, url=ws.url, data=clip(text, 4000))

        ws.on_message(on_message)

    # -- phases -----------------------------------------------------------------------------
    async def visit(self, page: Page, url: str, purpose: str) -> bool:
        self.log.visit = url
        started = time.monotonic()
        entry: dict[str, Any] = {"url": url, "purpose": purpose}
        ok = False
        try:
            response = await page.goto(url, wait_until="load")
            entry["status"] = response.status if response is not None else None
            ok = response is not None and response.status < 400
        except PlaywrightError as exc:
            entry["error"] = str(exc).splitlines()[0][:300]
        entry["settle"] = await self.settle(page)
        entry.update(final_url=page.url, duration_ms=round((time.monotonic() - started) * 1000))
        self.log.write("visit", **entry)
        self.pages_visited += 1
        return ok

    async def settle(self, page: Page) -> dict[str, Any]:
        """Network quiet, then a linger for what the pages scheduled (tag managers fire late).

        The linger window (``linger`` s from the first quiet) lasts until the timers due in it
        have run, each followed by another quiet: nothing a sleep through the window would
        catch is missed, and a page with nothing scheduled is not waited for. The window is
        slept whole when the schedule cannot be read (worker, unreadable frame, media playing).
        Returns how the wait ended, for the visit's log line (``timers``: due items seen,
        summed over the checks).
        """
        quiet, limit = self.options.settle_quiet, self.options.settle_limit
        started = time.monotonic()
        await self.relay.settle(quiet, limit)
        end = time.monotonic() + self.options.linger
        summary: dict[str, Any] = {"linger": "none", "timers": 0}
        while (left := end - time.monotonic()) > 0:
            found = await pending.scheduled(self.context.pages or [page], left)
            if found.unknown is None and found.due_in is None:
                break
            if found.unknown is not None:
                summary.update(linger="whole_window", reason=found.unknown)
                await asyncio.sleep(left)
            else:
                summary.update(linger="page_timers", timers=summary["timers"] + found.items)
                await asyncio.sleep(max(found.due_in or 0.0, 0.0) + max(quiet, 0.01))
            await self.relay.settle(quiet, limit)
        summary["ms"] = round((time.monotonic() - started) * 1000)
        return summary

    async def run(self, entry_urls: list[str], documents: list[tuple[str, str]]) -> None:
        """Documents, then entry pages (the first one last), then "refuse all" on that page.

        Nothing before the click gives consent, so one page load of the first entry serves
        the banner check, the screenshot, the storage, the key-logging probe and the refusal.
        """
        page = await self.page()
        if self.options.storage_state is not None:
            state = read_storage_state(self.options.storage_state)
            # Before any request is relayed or any value seeded: one redactor for the WARC
            # copies of the browser's requests and for the browser log.
            self.relay.net.redactor = self.log.redactor = redactor_for(state)
            await apply_storage_state(self.context, state, self.log)
        self.log.phase = PHASE_LOAD
        for url, doc_type in documents:
            await self.visit(page, url, f"document:{doc_type}")
            await record_storage(page, self.log)
        order = list(enumerate(entry_urls, start=1))
        loaded = False
        for index, url in [*order[1:], *order[:1]]:
            self.log.phase = PHASE_LOAD
            loaded = await self.visit(page, url, "entry")
            if loaded:
                await consent.detect(page, self.platforms, self.log)
            name = "screenshot-entry.png" if index == 1 else f"screenshot-entry-{index}.png"
            await record_screenshot(page, self.bundle, self.log, name)
            await record_storage(page, self.log)
        if loaded and self.options.keylog:
            self.log.phase = PHASE_KEYLOG
            probed = await keylog.probe(page, self.log)
            if probed["fields"]:  # nothing typed: nothing for the page to react to
                await self.settle(page)
        await record_cookies(self.context, self.log)
        if self.options.refuse and loaded:
            self.log.phase = PHASE_REFUSED
            refusal = await consent.refuse(page, self.platforms, self.log)
            if refusal["clicked"]:
                await self.settle(page)
                await self.visit(page, entry_urls[0], "after_refusal")
                await record_cookies(self.context, self.log)
                await record_storage(page, self.log)
        self.log.visit = ""
