"""Private and metadata addresses are refused after redirects and under DNS rebinding.

A crawled site is untrusted: it may redirect to the cloud metadata service or to the school's
own network, or answer DNS with a public-looking address first and a private one next. The
audit must refuse every such address, in static and in browser mode, and say so.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.collect.browser.chromium import find_chromium
from rgpd_check.evidence.bundle import Bundle
from tests.helpers import audit_site
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

HOME = ('<html><body><a href="/confidentialite">Politique de confidentialité</a>'
        '<a href="/cgu">CGU</a></body></html>')
FAST = {"time_budget": 20, "well_known": False, "probe_http": False, "retries": 0}
NET = {"connect_timeout": 1.0, "read_timeout": 2.0, "response_timeout": 5.0, "dns_timeout": 1.0}
FAST_BROWSER = {"linger": 0.2, "settle_quiet": 0.25, "settle_limit": 4.0}
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Debian's chromium missing")


def failures(result: Any) -> list[dict[str, Any]]:
    return list(result.facts["crawl"]["failures"])


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://10.0.0.1/admin",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://metadata.test/computeMetadata/v1/",
    "http://intranet.test/",
], ids=lambda t: t.split("//")[1].split("/")[0])
def test_redirect_to_a_private_or_metadata_address_is_refused(testweb: TestWeb, tmp_path: Path,
                                                              target: str) -> None:
    testweb.add_record("metadata.test", "A", "169.254.169.254")
    testweb.add_record("intranet.test", "A", "10.20.30.40")
    testweb.add_site(Site("tool.test", pages={"/": HOME, "/cgu": "<p>CGU</p>",
                                              "/confidentialite": Route(redirect=target)}))
    result = audit_site(testweb, [testweb.url("tool.test", https=True)], tmp_path, net=NET,
                        crawl=FAST)
    refused = [f for f in failures(result) if f["reason"] == "blocked_address"]
    assert refused and refused[0]["type"] == "privacy_policy", failures(result)
    assert "privacy_policy" in result.facts["documents"]["types_unreadable"]
    assert result.report["level"] not in ("recommande", "precautions")


def test_metadata_is_refused_even_when_private_ranges_are_allowed(testweb: TestWeb,
                                                                  tmp_path: Path) -> None:
    testweb.add_record("metadata.test", "A", "169.254.169.254")
    testweb.add_site(Site("tool.test", pages={
        "/": HOME, "/confidentialite": Route(redirect="http://metadata.test/latest/")}))
    result = audit_site(testweb, [testweb.url("tool.test", https=True)], tmp_path,
                        net={**NET, "allow_private": True}, crawl=FAST)
    [refused] = [f for f in failures(result) if f["reason"] == "blocked_address"]
    assert "metadata" in refused["detail"]


@pytest.mark.parametrize("entry", ["http://10.1.2.3/", "http://[::1]:8080/",
                                   "http://169.254.169.254/"])
def test_a_private_entry_url_is_refused_before_any_connection(testweb: TestWeb, tmp_path: Path,
                                                              entry: str) -> None:
    result = audit_site(testweb, [entry], tmp_path, net=NET, crawl=FAST)
    assert {f["reason"] for f in failures(result)} == {"blocked_address"}
    assert result.report["level"] == "a-verifier" and not result.collected


@pytest.fixture
def trap(testweb: TestWeb) -> Iterator[list[tuple[str, int]]]:
    """Listeners on 127.0.0.1 (the rebinding target) at the test web's ports; logs connections."""
    accepted: list[tuple[str, int]] = []
    sockets: list[socket.socket] = []
    for port in (testweb.http_port, testweb.https_port):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            pytest.skip(f"127.0.0.1:{port} is taken")
        sock.listen(16)
        sock.settimeout(0.2)
        sockets.append(sock)
    stop = threading.Event()

    def watch(sock: socket.socket) -> None:
        while not stop.is_set():
            try:
                conn, peer = sock.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(peer)
            conn.close()

    threads = [threading.Thread(target=watch, args=(s,), daemon=True) for s in sockets]
    for thread in threads:
        thread.start()
    try:
        yield accepted
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=2)
        for sock in sockets:
            sock.close()


SITE_IP = "127.0.0.29"
PAGES = {"/": HOME, "/confidentialite": "<h1>Politique</h1><p>Données des élèves.</p>",
         "/cgu": "<h1>CGU</h1>", **{f"/p{i}": "<p>page</p>" for i in range(4)}}


def _rebinding_site(testweb: TestWeb) -> dict[str, Any]:
    testweb.add_site(Site("rebind.test", ip=SITE_IP, pages=dict(PAGES)))
    testweb.set_dns_fault("rebind.test", "rebind", rebind_ips=(SITE_IP, "127.0.0.1"))
    # Only the site's own address is allowed: 127.0.0.1 stands for the internal network.
    return {**NET, "allowed_networks": (ipaddress.ip_network(f"{SITE_IP}/32"),)}


def _check_rebinding(testweb: TestWeb, out: Path, trap: list[tuple[str, int]]) -> None:
    records = list(Bundle.open(out).http_records())
    assert records and {r.ip for r in records} == {SITE_IP}
    assert trap == [], "the rebinding address was connected to"
    assert all(r.ip != "127.0.0.1" for r in records)
    # The attacker's DNS really did switch: a fresh lookup now gets the forbidden address.
    assert [str(a) for a in testweb.resolver().resolve("rebind.test", "A")] == ["127.0.0.1"]


def test_dns_rebinding_never_reaches_the_second_address(testweb: TestWeb, tmp_path: Path,
                                                        trap: list[tuple[str, int]]) -> None:
    net = _rebinding_site(testweb)
    result = audit_site(testweb, [testweb.url("rebind.test", https=True)], tmp_path, net=net,
                        crawl={**FAST, "general_pages": 4})
    assert result.facts["crawl"]["pages_fetched"] >= 3
    a_queries = [q for q in testweb.dns_log if q.name == "rebind.test" and q.rtype == "A"]
    assert len(a_queries) == 1  # asked once per audit; every connection used that answer
    _check_rebinding(testweb, tmp_path, trap)


@needs_chromium
@pytest.mark.browser
def test_dns_rebinding_in_browser_mode(testweb: TestWeb, tmp_path: Path,
                                       trap: list[tuple[str, int]]) -> None:
    net = _rebinding_site(testweb)
    result = audit_site(testweb, [testweb.url("rebind.test", https=True)], tmp_path, net=net,
                        crawl=FAST, browser=True, browser_options=FAST_BROWSER)
    assert result.facts["crawl"]["pages_fetched"] >= 1
    _check_rebinding(testweb, tmp_path, trap)


@needs_chromium
@pytest.mark.browser
def test_redirect_to_metadata_in_browser_mode(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_record("metadata.test", "A", "169.254.169.254")
    page = ('<html><body><a href="/cgu">CGU</a><img src="http://metadata.test/latest/x.png">'
            '<iframe src="http://10.0.0.1/"></iframe>'
            '<script>fetch("http://169.254.169.254/latest/meta-data/")</script></body></html>')
    testweb.add_site(Site("tool.test", pages={"/": page, "/cgu": "<p>CGU</p>"}))
    audit_site(testweb, [testweb.url("tool.test", https=True)], tmp_path, net=NET,
               crawl=FAST, browser=True, browser_options=FAST_BROWSER)
    records = list(Bundle.open(tmp_path).http_records())
    for record in records:
        assert record.ip is None or not ipaddress.ip_address(record.ip).is_link_local
        assert "169.254.169.254" not in record.url and "10.0.0.1" not in record.url
