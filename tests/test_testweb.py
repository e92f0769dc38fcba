"""Tests of the test web itself, with real clients only (dnspython, httpx, ssl, sockets)."""

from __future__ import annotations

import gzip
import http.client
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import dns.exception
import dns.rcode
import dns.resolver
import httpx
import pytest

from tests.testweb import DnsRecord, Route, Site, TestWeb
from tests.testweb.loader import SITES_DIR, load

REPO = Path(__file__).resolve().parent.parent


def raw_get(
    web: TestWeb, host: str, path: str = "/", method: str = "GET"
) -> http.client.HTTPResponse:
    """Plain socket client: resolve with our DNS, connect to the IP, send a Host header."""
    ip = str(web.resolver().resolve(host, "A")[0])
    conn = http.client.HTTPConnection(ip, web.http_port, timeout=5)
    conn.request(method, path, headers={"Host": f"{host}:{web.http_port}"})
    return conn.getresponse()


def tls_connect(web: TestWeb, host: str, ip: str | None = None) -> ssl.SSLSocket:
    """Handshake verified against the test CA, SNI = host."""
    ctx = ssl.create_default_context(cafile=str(web.ca_path))
    site = web.site(host)
    address = ip or (site.ip if site else None) or "127.0.0.2"
    sock = socket.create_connection((address, web.https_port), timeout=5)
    try:
        return ctx.wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise


# -- DNS ---------------------------------------------------------------------------------
@pytest.fixture(params=[False, True], ids=["udp", "tcp"])
def tcp(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_dns_a_for_host_and_alias(testweb: TestWeb, tcp: bool) -> None:
    site = testweb.add_site(Site("edu-pad.test", aliases=["www.edu-pad.test"]))
    assert site.ip == "127.0.0.2"  # first address of the pool after reset
    resolver = testweb.resolver()
    for name in ("edu-pad.test", "WWW.Edu-Pad.test."):
        answer = resolver.resolve(name, "A", tcp=tcp)
        assert [r.address for r in answer] == ["127.0.0.2"]
    assert testweb.dns_log[-1].transport == ("tcp" if tcp else "udp")
    assert (testweb.dns_log[0].name, testweb.dns_log[0].rtype) == ("edu-pad.test", "A")


def test_dns_record_types(testweb: TestWeb, tcp: bool) -> None:
    testweb.add_site(Site("edu-pad.test"))
    testweb.add_record("edu-pad.test", "AAAA", "::1")
    testweb.add_record("edu-pad.test", "MX", "10 mx.edu-pad.test.")
    testweb.add_record("edu-pad.test", "NS", "ns1.edu-pad.test.")
    testweb.add_record(DnsRecord("edu-pad.test", "TXT", "v=spf1 -all", ttl=120))
    resolver = testweb.resolver()
    assert [r.address for r in resolver.resolve("edu-pad.test", "AAAA", tcp=tcp)] == ["::1"]
    mx = resolver.resolve("edu-pad.test", "MX", tcp=tcp)
    assert [(r.preference, str(r.exchange)) for r in mx] == [(10, "mx.edu-pad.test.")]
    ns = resolver.resolve("edu-pad.test", "NS", tcp=tcp)
    assert [str(r.target) for r in ns] == ["ns1.edu-pad.test."]
    txt = resolver.resolve("edu-pad.test", "TXT", tcp=tcp)
    assert [b"".join(r.strings) for r in txt] == [b"v=spf1 -all"]
    assert txt.rrset is not None and txt.rrset.ttl == 120


def test_dns_cname_chain_is_followed(testweb: TestWeb, tcp: bool) -> None:
    testweb.add_site(Site("tracker-ads.test"))
    testweb.add_record("stats.quizzou.test", "CNAME", "edge.cdn.test.")
    testweb.add_record("edge.cdn.test", "CNAME", "tracker-ads.test.")
    answer = testweb.resolver().resolve("stats.quizzou.test", "A", tcp=tcp)
    assert [r.address for r in answer] == ["127.0.0.2"]
    assert str(answer.canonical_name) == "tracker-ads.test."
    kinds = [
        (str(rrset.name), dns.rdatatype.to_text(rrset.rdtype)) for rrset in answer.response.answer
    ]
    assert kinds == [
        ("stats.quizzou.test.", "CNAME"),
        ("edge.cdn.test.", "CNAME"),
        ("tracker-ads.test.", "A"),
    ]


def test_dns_explicit_a_overrides_site_and_wildcards(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test"))
    testweb.add_record("edu-pad.test", "A", "127.0.0.9")
    testweb.add_record("*.cdn.test", "A", "127.0.0.8")
    resolver = testweb.resolver()
    assert [r.address for r in resolver.resolve("edu-pad.test", "A")] == ["127.0.0.9"]
    assert [r.address for r in resolver.resolve("a.b.cdn.test", "A")] == ["127.0.0.8"]


def test_dns_nxdomain_and_nodata(testweb: TestWeb, tcp: bool) -> None:
    testweb.add_site(Site("edu-pad.test"))
    resolver = testweb.resolver()
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve("unknown.test", "A", tcp=tcp)
    with pytest.raises(dns.resolver.NoAnswer):
        resolver.resolve("edu-pad.test", "MX", tcp=tcp)


def test_dns_faults(testweb: TestWeb, tcp: bool) -> None:
    testweb.add_site(Site("edu-pad.test"))
    testweb.add_site(Site("broken.test"))
    testweb.set_dns_fault("edu-pad.test", "nxdomain")
    testweb.set_dns_fault("broken.test", "servfail")
    resolver = testweb.resolver()
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve("edu-pad.test", "A", tcp=tcp)
    with pytest.raises(dns.resolver.NoNameservers, match="SERVFAIL"):
        resolver.resolve("broken.test", "A", tcp=tcp)
    testweb.clear_dns_fault("edu-pad.test")
    assert resolver.resolve("edu-pad.test", "A", tcp=tcp)[0].address == "127.0.0.2"


def test_dns_timeout_fault_never_answers(testweb: TestWeb, tcp: bool) -> None:
    testweb.set_dns_fault("slow.test", "timeout")
    with pytest.raises(dns.exception.Timeout):
        testweb.resolver(lifetime=0.3).resolve("slow.test", "A", tcp=tcp)
    assert [q.name for q in testweb.dns_log][:1] == ["slow.test"]


def test_dns_rebind_changes_answer(testweb: TestWeb) -> None:
    testweb.add_site(Site("evil.test"))
    testweb.set_dns_fault("evil.test", "rebind", rebind_ips=("127.0.0.2", "127.0.0.1"))
    resolver = testweb.resolver()
    first = resolver.resolve("evil.test", "A")
    second = resolver.resolve("evil.test", "A")
    third = resolver.resolve("evil.test", "A")
    assert [first[0].address, second[0].address, third[0].address] == [
        "127.0.0.2",
        "127.0.0.1",
        "127.0.0.1",
    ]
    assert first.rrset is not None and first.rrset.ttl == 0


# -- HTTP --------------------------------------------------------------------------------
def test_page_through_real_dns_and_request_log(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", pages={"/": "<h1>Bonjour</h1>"}))
    with testweb.client() as client:
        response = client.get(testweb.url("edu-pad.test", "/?q=1"), headers={"User-Agent": "ua/1"})
    assert response.status_code == 200
    assert response.text == "<h1>Bonjour</h1>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    [entry] = testweb.requests
    assert (entry.scheme, entry.host, entry.ip, entry.port) == (
        "http",
        "edu-pad.test",
        "127.0.0.2",
        testweb.http_port,
    )
    assert (entry.method, entry.path) == ("GET", "/?q=1")
    assert entry.headers["user-agent"] == "ua/1" and entry.header("User-Agent") == "ua/1"
    assert entry.client_addr[0] == "127.0.0.1" and entry.time > 0
    assert testweb.paths_for("edu-pad.test") == ["/?q=1"]
    assert any(q.name == "edu-pad.test" for q in testweb.dns_log)


def test_unknown_host_and_path_are_404(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", pages={"/": "ok"}))
    response = raw_get(testweb, "edu-pad.test", "/nope")
    assert response.status == 404 and b"introuvable" in response.read()
    conn = http.client.HTTPConnection("127.0.0.2", testweb.http_port, timeout=5)
    conn.request("GET", "/", headers={"Host": "other.test"})
    response = conn.getresponse()
    assert response.status == 404 and b"other.test" in response.read()


def test_head_has_headers_but_no_body(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", pages={"/": "hello"}))
    response = raw_get(testweb, "edu-pad.test", "/", method="HEAD")
    assert response.status == 200
    assert response.getheader("Content-Length") == "5"
    assert response.read() == b""
    assert testweb.requests[0].method == "HEAD"


def test_keep_alive_reuses_the_connection(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", pages={"/a": "A", "/b": "B"}))
    conn = http.client.HTTPConnection("127.0.0.2", testweb.http_port, timeout=5)
    for path in ("/a", "/b"):
        conn.request("GET", path, headers={"Host": "edu-pad.test"})
        assert conn.getresponse().read() in (b"A", b"B")
    conn.close()
    assert len({r.client_addr for r in testweb.requests}) == 1


def test_redirects_and_cookies(testweb: TestWeb) -> None:
    testweb.add_site(
        Site(
            "edu-pad.test",
            pages={
                "/old": Route(status=301, redirect="/new"),
                "/tmp": Route(redirect="/new"),  # no 3xx given: 302
                "/new": Route(body="nouveau", set_cookies=["a=1; Path=/", "b=2; Secure"]),
            },
        )
    )
    with testweb.client() as client:
        first = client.get(testweb.url("edu-pad.test", "/old"))
        assert first.status_code == 301 and first.headers["location"] == "/new"
        assert client.get(testweb.url("edu-pad.test", "/tmp")).status_code == 302
        final = client.get(testweb.url("edu-pad.test", "/old"), follow_redirects=True)
    assert final.text == "nouveau"
    assert final.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Secure"]
    assert testweb.paths_for("edu-pad.test")[-2:] == ["/old", "/new"]


def test_delay_and_latency_hold_the_response(testweb: TestWeb) -> None:
    testweb.add_site(Site("slow.test", latency=0.1, pages={"/": Route(body="x", delay=0.2)}))
    with testweb.client() as client:
        start = time.monotonic()
        assert client.get(testweb.url("slow.test")).text == "x"
    assert time.monotonic() - start >= 0.3  # a lower bound only: never flaky


def test_robots_txt(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", robots_txt="User-agent: *\nDisallow: /admin/\n"))
    testweb.add_site(Site("norobots.test"))
    with testweb.client() as client:
        robots = client.get(testweb.url("edu-pad.test", "/robots.txt"))
        missing = client.get(testweb.url("norobots.test", "/robots.txt"))
    assert robots.status_code == 200 and "Disallow: /admin/" in robots.text
    assert robots.headers["content-type"].startswith("text/plain")
    assert missing.status_code == 404
    assert testweb.paths_for("edu-pad.test") == ["/robots.txt"]


def test_https_only_redirect_and_hsts(testweb: TestWeb) -> None:
    testweb.add_site(
        Site("classquiz.test", https_only_redirect=True, hsts="max-age=60", pages={"/p": "ok"})
    )
    with testweb.client() as client:
        plain = client.get(testweb.url("classquiz.test", "/p?x=1"))
        assert plain.status_code == 301
        assert plain.headers["location"] == testweb.url("classquiz.test", "/p?x=1", https=True)
        assert "strict-transport-security" not in plain.headers
        secure = client.get(testweb.url("classquiz.test", "/p"), follow_redirects=True)
    assert secure.text == "ok" and secure.headers["strict-transport-security"] == "max-age=60"
    assert [(r.scheme, r.path) for r in testweb.requests][-2:] == [("http", "/p"), ("https", "/p")]


def test_site_without_http_or_https(testweb: TestWeb) -> None:
    testweb.add_site(Site("nohttp.test", http=False, pages={"/": "x"}))
    testweb.add_site(Site("nohttps.test", https=False, pages={"/": "x"}))
    with testweb.client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(testweb.url("nohttp.test"))
        with pytest.raises(httpx.ConnectError):
            client.get(testweb.url("nohttps.test", https=True))
        assert client.get(testweb.url("nohttps.test")).text == "x"


def test_charsets_raw_bytes_and_body_file(testweb: TestWeb, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes("<p>fichier élève</p>".encode())
    testweb.add_site(
        Site(
            "vieux.test",
            pages={
                "/latin1": Route(body="<p>Élève</p>", content_type="text/html; charset=iso-8859-1"),
                "/cp1252": Route(
                    body="‘€’".encode("cp1252"), content_type="text/html; charset=windows-1252"
                ),
                "/file": Route(body_file=str(page)),
            },
        )
    )
    with testweb.client() as client:
        latin1 = client.get(testweb.url("vieux.test", "/latin1"))
        cp1252 = client.get(testweb.url("vieux.test", "/cp1252"))
        from_file = client.get(testweb.url("vieux.test", "/file"))
    assert latin1.content == "<p>Élève</p>".encode("latin-1")
    assert latin1.text == "<p>Élève</p>"
    assert cp1252.content == b"\x91\x80\x92"
    assert from_file.content == page.read_bytes()


def test_placeholders_and_dynamic_routes(testweb: TestWeb) -> None:
    calls: list[str] = []

    def flaky(request: object) -> Route | str:
        calls.append("x")
        return Route(status=503, body="busy") if len(calls) < 3 else "ready"

    testweb.add_site(
        Site(
            "quizzou.test",
            pages={
                "/": '<script src="https://tracker-ads.test:${HTTPS_PORT}/t.js"></script>',
                "/flaky": Route(dynamic=flaky),
            },
        )
    )
    with testweb.client() as client:
        home = client.get(testweb.url("quizzou.test"))
        statuses = [client.get(testweb.url("quizzou.test", "/flaky")).status_code for _ in range(3)]
    assert f"https://tracker-ads.test:{testweb.https_port}/t.js" in home.text
    assert statuses == [503, 503, 200]


def test_pages_added_after_the_site_are_live(testweb: TestWeb) -> None:
    site = testweb.add_site(Site("edu-pad.test"))
    site.pages["/late"] = "late"
    testweb.add_page("edu-pad.test", "/later", Route(status=201, body="later"))
    assert raw_get(testweb, "edu-pad.test", "/late").read() == b"late"
    assert raw_get(testweb, "edu-pad.test", "/later").status == 201


def test_site_outside_the_pool_gets_a_listener(testweb: TestWeb) -> None:
    testweb.add_site(Site("far.test", ip="127.0.0.42", pages={"/": "far"}))
    with testweb.client() as client:
        assert client.get(testweb.url("far.test")).text == "far"
        assert client.get(testweb.url("far.test", https=True)).text == "far"
    assert testweb.requests[0].ip == "127.0.0.42"


# -- faults ------------------------------------------------------------------------------
def test_fault_drop(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="drop")}))
    with testweb.client() as client, pytest.raises(httpx.RemoteProtocolError):
        client.get(testweb.url("f.test"))
    assert testweb.paths_for("f.test") == ["/"]


def test_fault_reset_mid_body(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="reset_mid_body", body="x" * 100_000)}))
    with testweb.client() as client, pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.get(testweb.url("f.test"))


def test_fault_endless_read_with_byte_limit(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="endless")}))
    limit = 1 << 20
    received = 0
    with testweb.client() as client, client.stream("GET", testweb.url("f.test")) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        for chunk in response.iter_raw():
            received += len(chunk)
            if received >= limit:
                break
    assert received >= limit


def test_fault_drip(testweb: TestWeb) -> None:
    testweb.add_site(
        Site("f.test", pages={"/": Route(fault="drip", body="abcdef", drip_interval=0.05)})
    )
    with testweb.client() as client, client.stream("GET", testweb.url("f.test")) as response:
        assert response.headers["content-length"] == "6"
        first = next(response.iter_raw())
    assert first == b"a"  # one byte at a time


def test_fault_gzip_bomb_headers_only(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="gzip_bomb")}))
    with testweb.client() as client, client.stream("GET", testweb.url("f.test")) as response:
        assert response.headers["content-encoding"] == "gzip"
        wire = int(response.headers["content-length"])
        assert 500_000 < wire < 2_000_000  # 1 GiB inflated, about 1 MB on the wire
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        inflated = b""
        for raw in response.iter_raw():  # read a few KB only, inflate at most 4 MiB
            inflated += inflater.decompress(raw, (4 << 20) - len(inflated))
            if len(inflated) >= 4 << 20:
                break
    assert len(inflated) == 4 << 20 and not inflated.strip(b"\0")


def test_small_gzip_bomb_is_valid_gzip(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="gzip_bomb", bomb_size=3_000_123)}))
    response = raw_get(testweb, "f.test")
    assert gzip.decompress(response.read()) == bytes(3_000_123)


def test_fault_huge(testweb: TestWeb) -> None:
    testweb.add_site(Site("f.test", pages={"/": Route(fault="huge", huge_size=5 << 30)}))
    with testweb.client() as client, client.stream("GET", testweb.url("f.test")) as response:
        assert response.headers["content-length"] == str(5 << 30)
        assert next(response.iter_raw())


# -- TLS ---------------------------------------------------------------------------------
def test_https_sni_certificate_verified(testweb: TestWeb) -> None:
    testweb.add_site(Site("edu-pad.test", pages={"/": "sécurisé"}))
    with tls_connect(testweb, "edu-pad.test") as tls:
        cert = tls.getpeercert()
    assert cert is not None and ("DNS", "edu-pad.test") in cert["subjectAltName"]
    with testweb.client() as client:
        assert client.get(testweb.url("edu-pad.test", https=True)).text == "sécurisé"
    assert testweb.requests[-1].scheme == "https"
    assert testweb.requests[-1].port == testweb.https_port
    assert {(h.sni, h.ok) for h in testweb.tls_log} == {("edu-pad.test", True)}


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("expired", "expired"), ("wrong_name", "mismatch"), ("unknown_ca", "local issuer")],
)
def test_tls_faults_fail_verification(testweb: TestWeb, fault: str, reason: str) -> None:
    testweb.add_site(Site("bad.test", tls_fault=fault, pages={"/": "x"}))
    with pytest.raises(ssl.SSLCertVerificationError) as excinfo:
        tls_connect(testweb, "bad.test")
    assert reason in str(excinfo.value.verify_message)
    with testweb.client() as client, pytest.raises(httpx.ConnectError):
        client.get(testweb.url("bad.test", https=True))


def test_tls_fault_can_still_be_read_without_verification(testweb: TestWeb) -> None:
    testweb.add_site(Site("bad.test", tls_fault="expired", pages={"/": "x"}))
    with testweb.client(verify=False) as client:
        assert client.get(testweb.url("bad.test", https=True)).text == "x"
    assert [(h.sni, h.ok) for h in testweb.tls_log] == [("bad.test", True)]


def test_certificates_for_names_added_later_and_failed_handshakes_logged(
    testweb: TestWeb,
) -> None:
    testweb.add_site(Site("late.test", pages={"/": "x"}))
    with tls_connect(testweb, "late.test") as tls:
        cert = tls.getpeercert()
    assert cert is not None and ("DNS", "late.test") in cert["subjectAltName"]
    testweb.add_site(Site("bad.test", tls_fault="unknown_ca"))
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_connect(testweb, "bad.test")
    expected = [("late.test", True), ("bad.test", False)]
    assert testweb.wait_until(lambda: [(h.sni, h.ok) for h in testweb.tls_log] == expected)


# -- concurrency, lifecycle, loading -----------------------------------------------------
def test_max_in_flight(testweb: TestWeb) -> None:
    testweb.add_site(Site("busy.test", pages={"/": Route(body="x", delay=0.4)}))
    url = testweb.url("busy.test")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            with testweb.client() as client:
                barrier.wait()
                client.get(url)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert testweb.max_in_flight("busy.test") == 4
    testweb.clear_log()
    with testweb.client() as client:
        client.get(url)
        client.get(url)
    assert testweb.max_in_flight("busy.test") == 1
    assert testweb.max_in_flight("other.test") == 0


def test_reset_forgets_everything(testweb: TestWeb) -> None:
    testweb.add_site(Site("a.test", pages={"/": "a"}))
    testweb.add_record("x.test", "A", "127.0.0.9")
    testweb.set_dns_fault("y.test", "servfail")
    raw_get(testweb, "a.test").read()
    testweb.reset()
    assert testweb.sites == [] and testweb.requests == [] and testweb.dns_log == []
    with pytest.raises(dns.resolver.NXDOMAIN):
        testweb.resolver().resolve("x.test", "A")
    assert testweb.add_site(Site("b.test")).ip == "127.0.0.2"


def test_duplicate_names_are_refused(testweb: TestWeb) -> None:
    testweb.add_site(Site("a.test", aliases=["www.a.test"]))
    with pytest.raises(ValueError, match="www.a.test"):
        testweb.add_site(Site("www.a.test"))


def test_url_and_addresses(testweb: TestWeb) -> None:
    assert testweb.url("Edu-Pad.test") == f"http://edu-pad.test:{testweb.http_port}/"
    assert testweb.url("edu-pad.test", "cgu", https=True) == (
        f"https://edu-pad.test:{testweb.https_port}/cgu"
    )
    assert testweb.dns_server == f"127.0.0.1:{testweb.dns_port}"
    assert testweb.ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert testweb.http_port != testweb.https_port
    testweb.add_site(Site("a.test", aliases=["b.test"]))
    assert testweb.host_resolver_rules() == (
        "MAP a.test 127.0.0.2, MAP b.test 127.0.0.2, EXCLUDE localhost"
    )


def test_example_site_files(testweb: TestWeb) -> None:
    sites = testweb.load_sites(SITES_DIR)
    assert {s.host for s in sites} >= {
        "edu-pad.test",
        "classquiz.test",
        "quizzou.test",
        "tracker-ads.test",
    }
    with testweb.client(follow_redirects=True) as client:
        french = client.get(testweb.url("edu-pad.test")).text
        english = client.get(testweb.url("classquiz.test")).text
        tracked = client.get(testweb.url("quizzou.test")).text
        tracker = client.get(testweb.url("stats.quizzou.test", "/t.js", https=True))
        pixel = client.get(testweb.url("tracker-ads.test", "/pixel.gif"))
    for label in ("Politique de confidentialité", "Mentions légales", "CGU"):
        assert label in french
    for label in ("Privacy Policy", "Terms", "DPA"):
        assert label in english
    assert f"https://tracker-ads.test:{testweb.https_port}/t.js" in tracked
    assert tracker.headers["content-type"].startswith("application/javascript")
    assert pixel.content.startswith(b"GIF89a")
    mx = testweb.resolver().resolve("edu-pad.test", "MX")
    assert str(mx[0].exchange) == "mx.edu-pad.test."


def test_loader_rejects_unknown_fields(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("host: a.test\npages:\n  /: {stauts: 404}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="stauts"):
        load(bad)
    bad.write_text("host: a.test\ntls_fault: nope\n", encoding="utf-8")
    with pytest.raises(ValueError, match="nope"):
        load(bad)


def test_loader_single_site_and_dns_faults(tmp_path: Path) -> None:
    (tmp_path / "body.html").write_text("<p>from file</p>", encoding="utf-8")
    (tmp_path / "one.yaml").write_text(
        "host: a.test\npages:\n  /: {body_file: body.html}\n", encoding="utf-8"
    )
    (tmp_path / "faults.yaml").write_text(
        "dns_faults:\n  - {name: r.test, kind: rebind, rebind_ips: [127.0.0.3, 127.0.0.1]}\n",
        encoding="utf-8",
    )
    declared = load(tmp_path)
    assert [s.host for s in declared.sites] == ["a.test"]
    route = declared.sites[0].pages["/"]
    assert isinstance(route, Route) and route.body_bytes() == b"<p>from file</p>"
    assert declared.faults[0].rebind_ips == ("127.0.0.3", "127.0.0.1")


def test_context_manager_starts_and_stops() -> None:
    with TestWeb() as web:
        web.add_site(Site("solo.test", pages={"/": "solo"}))
        port = web.http_port
        assert raw_get(web, "solo.test").read() == b"solo"
        workdir = web.workdir
    assert not workdir.exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", port), timeout=1).close()


def test_serve_command_prints_addresses_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.testweb", "serve"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines)
    assert "127.0.0.1:" in output and "testweb-ca.pem" in output
    assert "http://edu-pad.test:" in output
    assert proc.returncode == 0 and "stopped" in rest
