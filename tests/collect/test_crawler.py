"""The polite crawler on the test web, asserting on the servers' own request log."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

from rgpd_check.collect.crawler import CrawlOptions, CrawlOutcome
from rgpd_check.collect.run import collect
from rgpd_check.evidence.bundle import Bundle, BundleWriter
from tests.helpers import net_options
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

HOME_FR = """<!doctype html><html lang="fr"><head><title>Outil</title></head><body>
<nav><a href="/fonctionnalites">Fonctionnalités</a></nav><main><h1>Outil</h1></main>
<footer><a href="/confidentialite">Politique de confidentialité</a>
<a href="/mentions-legales">Mentions légales</a><a href="/cgu">CGU</a></footer></body></html>"""


def crawl(
    web: TestWeb, urls: list[str], tmp_path: Path, **crawl_overrides: Any
) -> tuple[CrawlOutcome, Bundle]:
    writer = BundleWriter(tmp_path, {"tool": {"urls": urls}}, ["test"])
    options = dataclasses.replace(CrawlOptions(delay=0, time_budget=30), **crawl_overrides)
    outcome = asyncio.run(collect(urls, net_options(web), options, writer, ip_sources=[]))
    writer.close(status="complete", not_collected=outcome.not_collected)
    return outcome.crawl, Bundle.open(tmp_path)


def events(bundle: Bundle, kind: str) -> list[dict[str, Any]]:
    return [e for e in bundle.events() if e["kind"] == kind]


def test_robots_disallow_is_obeyed_and_reported(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site(
            "tool.test",
            robots_txt="User-agent: *\nDisallow: /confidentialite\n",
            pages={
                "/": HOME_FR,
                "/confidentialite": "<p>politique</p>",
                "/cgu": "c",
                "/mentions-legales": "m",
            },
        )
    )
    outcome, bundle = crawl(testweb, [testweb.url("tool.test")], tmp_path)
    paths = testweb.paths_for("tool.test")
    assert "/confidentialite" not in paths and paths[0] == "/robots.txt"
    assert {"/", "/cgu", "/mentions-legales"} <= set(paths)
    [refusal] = events(bundle, "robots_disallowed")
    assert (
        refusal["url"].endswith("/confidentialite") and refusal["via"]["type"] == "privacy_policy"
    )
    assert any(f["reason"] == "robots_disallowed" for f in outcome.failures)


def test_robots_for_our_agent_only(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site(
            "tool.test",
            robots_txt="User-agent: rgpd-check\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
            pages={"/": HOME_FR},
        )
    )
    crawl(testweb, [testweb.url("tool.test")], tmp_path)
    assert testweb.paths_for("tool.test") == ["/robots.txt"]


def test_unreachable_robots_means_disallow_all(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={"/": HOME_FR, "/robots.txt": Route(status=503)}))
    outcome, _ = crawl(testweb, [testweb.url("tool.test")], tmp_path, retries=0)
    assert set(testweb.paths_for("tool.test")) == {"/robots.txt"}
    assert outcome.failures[0]["reason"] == "robots_unreachable"


def test_crawl_delay_spaces_requests(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site(
            "tool.test",
            robots_txt="User-agent: *\nCrawl-delay: 0.3\n",
            pages={"/": HOME_FR, "/confidentialite": "p", "/cgu": "c", "/mentions-legales": "m"},
        )
    )
    crawl(testweb, [testweb.url("tool.test")], tmp_path, well_known=False, probe_http=False)
    times = sorted(
        r.monotonic for r in testweb.requests_for("tool.test") if r.path != "/robots.txt"
    )
    assert len(times) >= 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.28


def test_at_most_two_requests_in_flight_per_host(testweb: TestWeb, tmp_path: Path) -> None:
    links = "".join(f'<a href="/doc{i}">Conditions générales {i}</a>' for i in range(8))
    pages: dict[str, Any] = {"/": f"<html><body>{links}</body></html>"}
    pages.update({f"/doc{i}": Route(body="x", delay=0.2) for i in range(8)})
    testweb.add_site(Site("tool.test", pages=pages))
    crawl(testweb, [testweb.url("tool.test")], tmp_path, concurrency=8, well_known=False)
    assert len(testweb.paths_for("tool.test")) >= 9
    assert testweb.max_in_flight("tool.test") == 2


def test_retry_after_429_is_honoured(testweb: TestWeb, tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(_request: Any) -> Route | str:
        calls["n"] += 1
        return Route(status=429, headers={"Retry-After": "1"}) if calls["n"] == 1 else HOME_FR

    testweb.add_site(Site("tool.test", pages={"/": Route(dynamic=flaky)}))
    outcome, bundle = crawl(testweb, [testweb.url("tool.test")], tmp_path, well_known=False)
    home = [r for r in testweb.requests_for("tool.test") if r.path == "/"]
    assert len(home) == 2 and home[1].monotonic - home[0].monotonic >= 0.95
    assert outcome.entry_ok == 1 and events(bundle, "retry")[0]["wait"] == 1.0


def test_redirect_loop_is_detected(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site(
            "loop.test",
            pages={
                "/": Route(redirect="/a"),
                "/a": Route(redirect="/b"),
                "/b": Route(redirect="/a"),
            },
        )
    )
    outcome, _ = crawl(testweb, [testweb.url("loop.test")], tmp_path)
    assert [f["reason"] for f in outcome.failures if f["purpose"] == "entry"] == ["redirect_loop"]
    assert testweb.paths_for("loop.test").count("/a") == 1


def test_too_many_redirects(testweb: TestWeb, tmp_path: Path) -> None:
    pages: dict[str, Any] = {f"/{i}": Route(redirect=f"/{i + 1}") for i in range(20)}
    testweb.add_site(Site("far.test", pages=pages))
    outcome, _ = crawl(testweb, [testweb.url("far.test", "/0")], tmp_path, max_redirects=5)
    assert outcome.failures[0]["reason"] == "too_many_redirects"


def test_page_budget_is_respected(testweb: TestWeb, tmp_path: Path) -> None:
    links = "".join(f'<a href="/p{i}">Page {i}</a>' for i in range(20))
    testweb.add_site(
        Site(
            "tool.test", pages={"/": f"<body>{links}</body>", **{f"/p{i}": "x" for i in range(20)}}
        )
    )
    crawl(testweb, [testweb.url("tool.test")], tmp_path, max_pages=4, general_pages=10)
    fetched = [p for p in testweb.paths_for("tool.test") if p != "/robots.txt"]
    assert len(fetched) <= 5  # 4 pages + the HTTP→HTTPS probe is not counted for http entries


def test_discovers_documents_on_another_vendor_domain_behind_redirects(
    testweb: TestWeb, tmp_path: Path
) -> None:
    home = (
        '<html lang="en"><body><footer>'
        f'<a href="{testweb.url("legal.vendor.test", "/go")}">Privacy Policy</a>'
        '<a rel="terms-of-service" href="/t">Legal</a></footer></body></html>'
    )
    testweb.add_site(Site("app.tool.test", pages={"/": home, "/t": "terms"}))
    testweb.add_site(
        Site(
            "legal.vendor.test",
            pages={"/go": Route(redirect="/privacy-notice"), "/privacy-notice": "<h1>Privacy</h1>"},
        )
    )
    crawl(testweb, [testweb.url("app.tool.test")], tmp_path)
    assert "/privacy-notice" in testweb.paths_for("legal.vendor.test")
    assert "/t" in testweb.paths_for("app.tool.test")


def test_well_known_paths_probe_only_missing_types(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site("tool.test", pages={"/": "<body>nothing linked</body>", "/privacy": "policy"})
    )
    _, bundle = crawl(testweb, [testweb.url("tool.test")], tmp_path)
    pages = [
        e for e in events(bundle, "page") if e["purpose"] == "well_known" and e["status"] == 200
    ]
    assert [p["via"]["type"] for p in pages] == ["privacy_policy"]
    assert "/confidentialite" in testweb.paths_for("tool.test")  # tried, 404, no harm


def test_time_budget_stops_the_crawl(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("slow.test", pages={"/": Route(body=HOME_FR, delay=3)}))
    outcome, bundle = crawl(testweb, [testweb.url("slow.test")], tmp_path, time_budget=1)
    assert outcome.budget_exhausted and events(bundle, "budget_exhausted")
