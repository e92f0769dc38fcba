"""The network component against the test web: DNS, guard, TLS, size caps, WARC records."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from pathlib import Path
from typing import Any

import certifi
import pytest

from rgpd_check.collect.net import (
    FetchResult,
    NetClient,
    _redacted,
    make_ssl_context,
)
from rgpd_check.collect.resolver import Resolver
from rgpd_check.evidence.content import decode_content
from rgpd_check.evidence.redact import DECODED_PREFIX, MASK, URL_MASK, Redactor
from rgpd_check.evidence.warc import WarcLog, read_responses
from tests.helpers import net_options
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb


def fetch(
    web: TestWeb, url: str, tmp_path: Path, **overrides: Any
) -> tuple[FetchResult, list[dict[str, Any]], Path]:
    dns_log: list[dict[str, Any]] = []
    tmp_path.mkdir(parents=True, exist_ok=True)
    warc_path = tmp_path / "http.warc.gz"

    async def run() -> FetchResult:
        options = net_options(web, **overrides)
        resolver = Resolver(
            server=options.dns_server, timeout=options.dns_timeout, recorder=dns_log.append
        )
        warc = WarcLog(warc_path)
        client = NetClient(options, resolver, warc)
        try:
            return await client.fetch(url)
        finally:
            await client.aclose()
            warc.close()

    return asyncio.run(run()), dns_log, warc_path


def test_fetch_records_dns_and_warc_with_the_server_ip(testweb: TestWeb, tmp_path: Path) -> None:
    site = testweb.add_site(Site("tool.test", pages={"/": "<p>bonjour</p>"}))
    result, dns_log, warc = fetch(testweb, testweb.url("tool.test", "/", https=True), tmp_path)
    assert result.status == 200 and result.ip == site.ip and result.tls_version
    assert {(e["qname"], e["rtype"], e["status"]) for e in dns_log} >= {("tool.test", "A", "ok")}
    [record] = list(read_responses(warc))
    assert record.ip == site.ip and record.status == 200 and b"bonjour" in record.body
    assert record.record_id == result.record_id and record.tls_version == result.tls_version
    assert record.header("user-agent") is None  # request headers live in the request record
    assert testweb.requests[0].headers.get("user-agent", "").startswith("rgpd-check/")


def test_loopback_is_refused_without_an_allowance(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={"/": "x"}))
    result, _, warc = fetch(testweb, testweb.url("tool.test"), tmp_path, allowed_networks=())
    assert result.error == "blocked_address" and "loopback" in result.error_detail
    assert testweb.requests == [] and list(read_responses(warc)) == []


def test_redirect_to_an_address_outside_the_allowed_range_is_refused(
    testweb: TestWeb, tmp_path: Path
) -> None:
    inner = testweb.add_site(Site("intranet.test", pages={"/": "secret"}))
    outer = testweb.add_site(
        Site("tool.test", pages={"/": Route(redirect=testweb.url("intranet.test"))})
    )
    assert inner.ip != outer.ip
    allowed = (ipaddress.ip_network(f"{outer.ip}/32"),)
    first, _, _ = fetch(testweb, testweb.url("tool.test"), tmp_path, allowed_networks=allowed)
    assert first.status == 302
    second, _, _ = fetch(
        testweb, first.header("location") or "", tmp_path / "b", allowed_networks=allowed
    )
    assert second.error == "blocked_address"
    assert not testweb.requests_for("intranet.test")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("nxdomain", "dns_nxdomain"), ("servfail", "dns_servfail"), ("timeout", "dns_timeout")],
)
def test_dns_failures_have_a_reason(
    testweb: TestWeb, tmp_path: Path, fault: str, reason: str
) -> None:
    testweb.set_dns_fault("broken.test", fault)
    result, dns_log, _ = fetch(testweb, "http://broken.test/", tmp_path, dns_timeout=0.5)
    assert result.status is None and result.error == reason
    assert dns_log and all(e["qname"] == "broken.test" for e in dns_log)


@pytest.mark.parametrize("tls_fault", ["expired", "wrong_name", "unknown_ca"])
def test_tls_errors_are_evidence_never_ignored(
    testweb: TestWeb, tmp_path: Path, tls_fault: str
) -> None:
    testweb.add_site(Site("badtls.test", pages={"/": "x"}, tls_fault=tls_fault))
    result, _, _ = fetch(testweb, testweb.url("badtls.test", https=True), tmp_path)
    assert result.error == "tls_error" and result.status is None


def test_unknown_ca_without_ca_bundle(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={"/": "x"}))
    result, _, _ = fetch(testweb, testweb.url("tool.test", https=True), tmp_path, ca_bundle=None)
    assert result.error == "tls_error"


def test_tls_context_is_shared_until_the_ca_bundle_changes(
    testweb: TestWeb, tmp_path: Path
) -> None:
    """Loading CA files costs CPU on every client: shared, but never past a change of file."""
    testweb.add_site(Site("tool.test", pages={"/": "x"}))
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(testweb.ca_path.read_bytes())
    assert make_ssl_context(str(bundle)) is make_ssl_context(str(bundle))
    url = testweb.url("tool.test", https=True)
    trusted, _, _ = fetch(testweb, url, tmp_path / "a", ca_bundle=str(bundle))
    assert trusted.error is None and trusted.status == 200
    first_public_ca = certifi.contents().split("-----END CERTIFICATE-----")[0]
    bundle.write_text(first_public_ca + "-----END CERTIFICATE-----\n")
    replaced, _, _ = fetch(testweb, url, tmp_path / "b", ca_bundle=str(bundle))
    assert replaced.error == "tls_error"


def test_huge_and_endless_bodies_are_cut_and_marked_truncated(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.add_site(
        Site("big.test", pages={"/huge": Route(fault="huge"), "/endless": Route(fault="endless")})
    )
    for path in ("/huge", "/endless"):
        result, _, warc = fetch(
            testweb, testweb.url("big.test", path), tmp_path / path.strip("/"), max_bytes=100_000
        )
        assert result.truncated and len(result.body) == 100_000
        [record] = list(read_responses(warc))
        assert record.truncated and len(record.body) == 100_000


def test_gzip_bomb_is_stored_compressed_and_decoded_with_a_cap(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.add_site(
        Site("bomb.test", pages={"/": Route(fault="gzip_bomb", bomb_size=200 * 1024 * 1024)})
    )
    result, _, _ = fetch(testweb, testweb.url("bomb.test"), tmp_path)
    assert result.status == 200 and result.header("content-encoding") == "gzip"
    body, problem = decode_content(result.body, "gzip", limit=1024 * 1024)
    assert problem == "decompression bomb" and len(body) == 1024 * 1024


def test_slow_drip_ends_within_the_response_timeout(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("slow.test", pages={"/": Route(fault="drip", drip_interval=0.2)}))
    result, _, warc = fetch(testweb, testweb.url("slow.test"), tmp_path, response_timeout=1.0)
    assert result.error == "response_timeout" and result.truncated
    assert list(read_responses(warc))[0].truncated


def test_reset_mid_body_keeps_what_arrived(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(
        Site("reset.test", pages={"/": Route(fault="reset_mid_body", body="x" * 50_000)})
    )
    result, _, _ = fetch(testweb, testweb.url("reset.test"), tmp_path)
    assert result.error == "connection_reset" and result.truncated and result.status == 200


def test_dropped_connection_and_refused_port(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("drop.test", pages={"/": Route(fault="drop")}))
    result, _, _ = fetch(testweb, testweb.url("drop.test"), tmp_path)
    assert result.status is None and result.error in ("connection_reset", "connect_error")
    refused, _, _ = fetch(testweb, "http://drop.test:9/", tmp_path / "r")
    assert refused.error == "connect_refused"


def test_relayed_browser_requests_never_mix_cookies_with_the_crawler(
    testweb: TestWeb, tmp_path: Path
) -> None:
    """The browser sends its own Cookie header; the crawler's jar must not add to it, and
    what a relayed response sets must not reach the crawler (first-visit evidence)."""
    testweb.add_site(
        Site(
            "tool.test",
            pages={
                "/crawl": Route(body="<p>a</p>", set_cookies=["crawler=1; Path=/"]),
                "/browser": Route(body="<p>b</p>", set_cookies=["relayed=1; Path=/"]),
                "/next": "<p>c</p>",
            },
        )
    )

    async def run() -> None:
        options = net_options(testweb)
        resolver = Resolver(server=options.dns_server, timeout=options.dns_timeout)
        client = NetClient(options, resolver, None)
        try:
            await client.fetch(testweb.url("tool.test", "/crawl"))
            await client.fetch(testweb.url("tool.test", "/browser"), headers=[("Accept", "*/*")])
            await client.fetch(testweb.url("tool.test", "/next"), headers=[("Cookie", "own=1")])
            await client.fetch(testweb.url("tool.test", "/next"))
        finally:
            await client.aclose()

    asyncio.run(run())
    sent = [(r.path, r.headers.get("cookie")) for r in testweb.requests_for("tool.test")]
    assert sent == [
        ("/crawl", None),
        ("/browser", None),  # not the crawler's cookie
        ("/next", "own=1"),  # exactly what the browser sent
        ("/next", "crawler=1"),  # the crawler keeps its own, never "relayed"
    ]


def test_the_warc_copy_of_a_logged_in_exchange_masks_secrets_in_every_part() -> None:
    """What a logged-in browser sent and got is stored with the saved session masked: a
    compressed body holding it is stored decoded, one that cannot be decoded is marked."""
    secret = "session-secret-0042"
    redactor = Redactor(cookies=[("sid", "ent.test")], values=[secret])
    url = f"https://ent.test/api?t={secret}"
    sent = [("Cookie", f"sid={secret}"), ("Proxy-Authorization", "Basic dXNlcjpwYXNz")]
    body = gzip.compress(f'{{"token": "{secret}"}}'.encode())
    received = [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
    out_url, out_sent, out_received, content, out_body, parts = _redacted(
        redactor, url, sent, received, f"t={secret}".encode(), body)
    assert out_url == f"https://ent.test/api?t={URL_MASK}"
    assert out_sent == [("Cookie", f"sid={MASK}"), ("Proxy-Authorization", f"Basic {MASK}")]
    assert content == f"t={MASK}".encode() and out_body == f'{{"token": "{MASK}"}}'.encode()
    assert out_received == [(DECODED_PREFIX + "Content-Encoding", "gzip"),
                            (DECODED_PREFIX + "Content-Length", str(len(body)))]  # fmt: skip
    assert parts == ["url", "request-headers", "request-body", "response-body"]
    unknown = [("Content-Encoding", "br")]
    *_, raw, parts = _redacted(redactor, url, [], unknown, b"", f"plain {secret}".encode())
    assert raw == f"plain {MASK}".encode() and parts[-1] == "response-body-unchecked"
    clean = gzip.compress(b'{"ok": true}')
    home = "https://ent.test/"
    _, _, headers, _, kept, parts = _redacted(redactor, home, [], received, b"", clean)
    assert kept == clean and headers == received and parts == []  # nothing to mask: as received


def test_a_masking_failure_is_reported_never_raised(testweb: TestWeb, tmp_path: Path) -> None:
    async def run() -> str | None:
        options = net_options(testweb)
        warc = WarcLog(tmp_path / "http.warc.gz")
        client = NetClient(options, Resolver(server=options.dns_server), warc)
        client.redactor = Redactor(values=["known-secret-1"])
        warc.close()  # e.g. the disk went away
        try:
            return client.mask_recorded()
        finally:
            await client.aclose()

    failure = asyncio.run(run())
    assert failure is not None and "closed" in failure
