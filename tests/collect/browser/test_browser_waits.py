"""The linger after each quiet waits for what the page scheduled, not a fixed time.

One audit of three entry pages (late timers, nothing scheduled, a worker) for the module; each
test reads its browser log. No timing is asserted: only what was caught and why the wait ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from rgpd_check.collect.browser import pending
from rgpd_check.collect.browser.chromium import THIRD_PARTY_ALLOWED, find_chromium
from rgpd_check.collect.browser.instrument import INIT_SCRIPT
from rgpd_check.collect.browser.launch import start_browser
from rgpd_check.evidence.bundle import Bundle
from tests.helpers import audit_site
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb
from tests.trackers.support import needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

PIXEL = "https://pixel-tardif.test:${HTTPS_PORT}"
# A tag that fires 0.3 s after load, and one that fires from a timer set by another timer.
LATE = f"""<!doctype html><html><head><title>Minuteur</title></head><body><h1>Quiz</h1>
<script>
setTimeout(function () {{ new Image().src = "{PIXEL}/p.gif?t=1"; }}, 300);
setTimeout(function () {{
  setTimeout(function () {{ navigator.sendBeacon("{PIXEL}/b", "t=2"); }}, 250);
}}, 200);
</script></body></html>"""
CALM = "<!doctype html><html><head><title>Calme</title></head><body><p>rien</p></body></html>"
WORKER = """<!doctype html><html><head><title>Travailleur</title></head><body><script>
new Worker(URL.createObjectURL(new Blob(["setInterval(function () {}, 1000);"])));
</script></body></html>"""
OPENER = """<!doctype html><html><head><title>Fenêtre</title></head><body><script>
window.open("/popup");
</script></body></html>"""
POPUP = f"""<!doctype html><html><head><title>Pop-up</title></head><body><script>
setTimeout(function () {{ navigator.sendBeacon("{PIXEL}/popup-b", "t=3"); }}, 300);
</script></body></html>"""
# Long enough that a fixed sleep would have caught both tags too.
WAITS = {"linger": 1.0, "settle_quiet": 0.25, "settle_limit": 4.0}


def _sites(web: TestWeb) -> None:
    web.add_site(
        Site(
            "minuteur.test",
            pages={
                "/": LATE,
                "/calme": CALM,
                "/travailleur": WORKER,
                "/fenetre": OPENER,
                "/popup": POPUP,
            },
        )
    )
    web.add_site(
        Site(
            "pixel-tardif.test",
            pages={
                "/p.gif": Route(body=b"GIF89a", content_type="image/gif"),
                "/b": Route(status=204),
                "/popup-b": Route(status=204),
            },
        )
    )


@dataclass
class Run:
    base: str
    log: list[dict[str, Any]]

    def visit(self, url: str) -> dict[str, Any]:
        return next(e for e in self.log if e["kind"] == "visit" and e["url"] == url)


@pytest.fixture(scope="module")
def run(testweb_session: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    web = testweb_session
    web.reset()
    _sites(web)
    out = tmp_path_factory.mktemp("waits")
    base = web.url("minuteur.test", https=True)
    # Visited in the order calme, fenetre, timers page, travailleur (the first entry comes
    # last): each page with timers is followed by another visit, to which its late requests
    # would be attributed had the wait ended too soon; the worker page comes last, as its
    # worker may still be listed for a moment after the page is left.
    audit_site(
        web,
        [base + "travailleur", base + "calme", base + "fenetre", base],
        out,
        browser=True,
        browser_options=WAITS,
        formats=("json",),
    )
    yield Run(base, list(Bundle.open(out).entries("browser.jsonl")))
    web.reset()


def test_timers_due_in_the_linger_are_waited_for(run: Run) -> None:
    late = [e for e in run.log if e["kind"] == "request" and e["url"].endswith(("/b", "t=1"))]
    assert sorted(e["url"].rsplit("/", 1)[-1] for e in late) == ["b", "p.gif?t=1"]
    # Caught during the entry page's own visit, before anyone touched anything.
    assert {(e["phase"], e["visit"]) for e in late} == {("before_consent", run.base)}
    settle = run.visit(run.base)["settle"]
    assert settle["linger"] == "page_timers" and settle["timers"] >= 2


def test_a_pop_ups_timers_are_waited_for_too(run: Run) -> None:
    [beacon] = [e for e in run.log if e["kind"] == "request" and e["url"].endswith("/popup-b")]
    assert (beacon["phase"], beacon["visit"]) == ("before_consent", run.base + "fenetre")
    # Waited for (how depends on whether the pop-up was still loading when first looked at).
    assert run.visit(run.base + "fenetre")["settle"]["linger"] in ("page_timers", "whole_window")


def test_nothing_scheduled_ends_the_linger_at_once(run: Run) -> None:
    settle = run.visit(run.base + "calme")["settle"]
    assert settle["linger"] == "none" and settle["timers"] == 0


def test_a_worker_makes_the_browser_wait_the_whole_window(run: Run) -> None:
    settle = run.visit(run.base + "travailleur")["settle"]
    assert settle["linger"] == "whole_window" and settle["reason"] == "worker"


async def _in_a_page() -> dict[str, Any]:
    """The schedule as seen from a page, and the wrapped timers' behaviour, in one browser."""
    executable = find_chromium()
    assert executable is not None
    running = await start_browser(THIRD_PARTY_ALLOWED, executable)
    try:
        context = await running.new_context()
        await context.add_init_script(INIT_SCRIPT)
        await context.add_init_script(pending.INIT_SCRIPT)
        page = await context.new_page()
        await page.goto("about:blank")
        seen: dict[str, Any] = {"blank": await pending.scheduled([page], 60)}
        await page.set_content(
            "<script>setTimeout(function () {}, 30000);"
            "clearTimeout(setTimeout(function () {}, 20000));"
            "setInterval(function () {}, 40000);</script>"
            "<iframe srcdoc='<script>setTimeout(function () {}, 50000)</script>'></iframe>"
        )
        seen["timers"] = await pending.scheduled([page], 60)
        seen["soon"] = await pending.scheduled([page], 10)
        seen["native"] = await page.evaluate("""async () => {
          let illegal = null;
          try { setTimeout.call({}, () => 1, 0); } catch (e) { illegal = e.name; }
          const fired = await new Promise((ok) => setTimeout((a, b) => ok(a + b), 5, 2, 3));
          const id = setInterval(() => {}, 10); clearInterval(id);
          return [setTimeout.name, setTimeout.length, typeof id, illegal, fired];
        }""")
        return seen
    finally:
        await running.stop()


@pytest.fixture(scope="module")
def in_a_page() -> dict[str, Any]:
    return asyncio.run(_in_a_page())


def test_the_schedule_seen_from_the_page(in_a_page: dict[str, Any]) -> None:
    """Timers of every frame are seen; cleared and far-off ones are not waited for."""
    assert in_a_page["blank"] == pending.Scheduled()
    timers = in_a_page["timers"]
    assert timers.unknown is None and timers.items == 3  # 30 s, 40 s interval, iframe's 50 s
    assert timers.due_in is not None and 40 < timers.due_in <= 50
    assert in_a_page["soon"] == pending.Scheduled()


def test_wrapped_timers_behave_like_the_native_ones(in_a_page: dict[str, Any]) -> None:
    assert in_a_page["native"] == ["setTimeout", 1, "number", "TypeError", 5]
