"""The fault matrix: every way a site can misbehave ends in a recorded reason and a report.

Each case runs the real ``api.audit`` on the test web with small budgets and checks: the
reason is in ``facts.crawl.failures``, the report is written and schema-valid, the level is
never green (``recommande``/``precautions``) when a key page failed, and the audit ended
within its time budget (wall time is measured only to catch hangs, with a wide margin).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.schemas import report_errors
from tests.helpers import audit_site
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

HOST = "fault-tool.test"
TIME_BUDGET = 8.0
HANG_MARGIN = 20.0  # analysis and rendering after the crawl; only a hang can exceed this
GREEN = ("recommande", "precautions")
NET = {"connect_timeout": 1.0, "read_timeout": 1.0, "response_timeout": 3.0, "dns_timeout": 1.0}
CRAWL = {"time_budget": TIME_BUDGET, "retries": 1, "max_retry_wait": 2.0, "well_known": False,
         "probe_http": False, "max_pages": 10}

HOME = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Outil</title></head>
<body><main><h1>Outil de classe</h1><p>Un outil fictif pour les tests de pannes.</p></main>
<footer><a href="/confidentialite">Politique de confidentialité</a>
<a href="/mentions-legales">Mentions légales</a> <a href="/cgu">CGU</a></footer></body></html>"""
POLICY = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Politique de confidentialité</title></head><body><main><h1>Politique de
confidentialité</h1><p>Responsable du traitement : Outil SAS (fictive). Données : nom, classe.
Hébergement : Union européenne. Conservation : un an. Contact : dpo@fault-tool.test.</p>
</main></body></html>"""
PAGES: dict[str, Route | str] = {
    "/": HOME,
    "/confidentialite": POLICY,
    "/mentions-legales": "<html><body><h1>Mentions légales</h1><p>Éditeur fictif.</p></body>"
                         "</html>",
    "/cgu": "<html><body><h1>CGU</h1><p>Usage pédagogique.</p></body></html>",
}


@dataclass(frozen=True)
class Fault:
    """One row of the matrix: how to break the site, what must be recorded, and where."""

    name: str
    reasons: tuple[str, ...]
    pages: dict[str, Route | str] | None = None
    site: dict[str, Any] | None = None
    dns: str | None = None
    net: dict[str, Any] | None = None
    crawl: dict[str, Any] | None = None
    key_url: str = "/confidentialite"
    events: tuple[str, ...] = ()


def _flaky_then_ok(status: int, headers: dict[str, str]) -> Callable[[Any], Route | str]:
    """First answer ``status``, then the real policy (what a retry should recover)."""
    served: list[int] = []

    def answer(_request: Any) -> Route | str:
        served.append(1)
        return Route(status=status, headers=headers) if len(served) == 1 else POLICY

    return answer


LOOP = {"/confidentialite": Route(redirect="/boucle"),
        "/boucle": Route(redirect="/confidentialite")}
CHAIN = {"/confidentialite": Route(redirect="/r0"),
         **{f"/r{i}": Route(redirect=f"/r{i + 1}") for i in range(15)}}

FAULTS = [
    Fault("latency_spike_over_read_timeout", ("read_timeout",),
          pages={"/confidentialite": Route(body=POLICY, delay=2.5)}),
    Fault("read_timeout_mid_body", ("read_timeout",),
          pages={"/confidentialite": Route(body=POLICY, fault="drip", drip_interval=2.0)}),
    Fault("connection_reset_mid_body", ("connection_reset",),
          pages={"/confidentialite": Route(body=POLICY * 40, fault="reset_mid_body")}),
    Fault("connection_dropped_before_answer", ("connection_reset",),
          pages={"/confidentialite": Route(fault="drop")}),
    Fault("http_500", ("http_500",), pages={"/confidentialite": Route(status=500)}),
    Fault("http_502", ("http_502",), pages={"/confidentialite": Route(status=502)}),
    Fault("http_503_retried_then_given_up", ("http_503",),
          pages={"/confidentialite": Route(status=503, headers={"Retry-After": "1"})},
          events=("retry",)),
    Fault("http_429_with_retry_after", ("http_429",),
          pages={"/confidentialite": Route(status=429, headers={"Retry-After": "1"})},
          events=("retry",)),
    Fault("http_429_without_retry_after", ("http_429",),
          pages={"/confidentialite": Route(status=429)}, events=("retry",)),
    Fault("http_429_retry_after_too_long", ("http_429",),
          pages={"/confidentialite": Route(status=429, headers={"Retry-After": "3600"})},
          events=("retry_abandoned",)),
    Fault("slow_drip_one_byte_per_second", ("response_timeout",),
          pages={"/confidentialite": Route(body=POLICY, fault="drip", drip_interval=0.9)}),
    Fault("endless_body", ("body_too_large",),
          pages={"/confidentialite": Route(fault="endless")}, net={"max_bytes": 256 * 1024}),
    Fault("gzip_bomb", ("decompression_bomb",),
          pages={"/confidentialite": Route(fault="gzip_bomb", bomb_size=1 << 30)}),
    Fault("huge_body", ("body_too_large",),
          pages={"/confidentialite": Route(fault="huge", huge_size=64 << 20)},
          net={"max_bytes": 512 * 1024}),
    Fault("redirect_loop", ("redirect_loop",), pages=LOOP),
    Fault("too_many_redirects", ("too_many_redirects",), pages=CHAIN,
          crawl={"max_redirects": 5}),
    Fault("entry_http_503", ("http_503",), pages={"/": Route(status=503)}, key_url="/",
          crawl={"retries": 0}),
    Fault("entry_read_timeout", ("read_timeout",), pages={"/": Route(body=HOME, delay=2.5)},
          key_url="/"),
    Fault("dns_nxdomain", ("dns_nxdomain",), dns="nxdomain", key_url="/"),
    Fault("dns_servfail", ("dns_servfail",), dns="servfail", key_url="/"),
    Fault("dns_timeout", ("dns_timeout",), dns="timeout", key_url="/"),
    Fault("tls_expired", ("tls_error",), site={"tls_fault": "expired"}, key_url="/"),
    Fault("tls_wrong_name", ("tls_error",), site={"tls_fault": "wrong_name"}, key_url="/"),
    Fault("tls_unknown_ca", ("tls_error",), site={"tls_fault": "unknown_ca"}, key_url="/"),
]


@dataclass
class Audited:
    result: Any
    report: dict[str, Any]
    elapsed: float


def run_audit(web: TestWeb, out: Path, url: str, net: dict[str, Any] | None = None,
              crawl: dict[str, Any] | None = None) -> Audited:
    started = time.monotonic()
    result = audit_site(web, [url], out, net={**NET, **(net or {})},
                        crawl={**CRAWL, **(crawl or {})})
    elapsed = time.monotonic() - started
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return Audited(result, report, elapsed)


def check_common(audited: Audited, key_failed: bool = True) -> None:
    """What every faulty audit must give: a valid report, no green level, no hang."""
    assert report_errors(audited.report) == []
    for name in ("report.md", "report.html", "facts.json"):
        assert (audited.result.out_dir / name).is_file()
    assert audited.elapsed < TIME_BUDGET + HANG_MARGIN
    if key_failed:
        assert audited.report["level"] not in GREEN
        assert audited.report["collection"]["complete"] is False


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_recorded_and_reported(testweb: TestWeb, tmp_path: Path, fault: Fault) -> None:
    https = True
    testweb.add_site(Site(HOST, pages={**PAGES, **(fault.pages or {})}, **(fault.site or {})))
    if fault.dns:
        testweb.set_dns_fault(HOST, fault.dns)
    audited = run_audit(testweb, tmp_path, testweb.url(HOST, "/", https=https), fault.net,
                        fault.crawl)
    failures = audited.result.facts["crawl"]["failures"]
    key = testweb.url(HOST, fault.key_url, https=https)
    reasons = {f["reason"] for f in failures if f["url"] == key or f.get("purpose") == "entry"}
    assert reasons & set(fault.reasons), failures
    check_common(audited)
    kinds = {e["kind"] for e in _events(tmp_path)}
    assert set(fault.events) <= kinds
    if fault.key_url != "/":
        # The page was linked as a privacy policy and could not be read: unknown, not absent.
        documents = audited.result.facts["documents"]
        assert "privacy_policy" in documents["types_unreadable"]
        assert "privacy_policy" not in documents["types"]
    elif fault.name.startswith("tls_"):
        # A broken certificate is itself evidence (SEC rules): not green, maybe conclusive.
        assert audited.report["level"] in ("a-verifier", "deconseille")
    else:
        assert audited.report["level"] == "a-verifier"


def _events(out: Path) -> Iterator[dict[str, Any]]:
    with (out / "evidence" / "events.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@pytest.fixture
def blackhole() -> Iterator[tuple[str, int]]:
    """A loopback port whose accept queue is full: SYNs go unanswered (connect timeout)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        for sock in [*fillers, server]:
            sock.close()


def test_connect_timeout(testweb: TestWeb, tmp_path: Path, blackhole: tuple[str, int]) -> None:
    ip, port = blackhole
    testweb.add_record("blackhole.test", "A", ip)
    audited = run_audit(testweb, tmp_path, f"http://blackhole.test:{port}/")
    reasons = {f["reason"] for f in audited.result.facts["crawl"]["failures"]}
    assert "connect_timeout" in reasons
    check_common(audited)
    assert audited.report["level"] == "a-verifier" and audited.result.exit_code == 3


def test_connection_refused(testweb: TestWeb, tmp_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    testweb.add_record("closed.test", "A", "127.0.0.1")
    audited = run_audit(testweb, tmp_path, f"http://closed.test:{port}/")
    reasons = {f["reason"] for f in audited.result.facts["crawl"]["failures"]}
    assert "connect_refused" in reasons
    check_common(audited)


def test_latency_spike_within_the_timeouts_is_tolerated(testweb: TestWeb, tmp_path: Path) -> None:
    pages = {**PAGES, "/confidentialite": Route(body=POLICY, delay=0.6)}
    testweb.add_site(Site(HOST, pages=pages, latency=0.1))
    audited = run_audit(testweb, tmp_path, testweb.url(HOST, "/", https=True))
    assert audited.result.facts["crawl"]["failures"] == []
    assert "privacy_policy" in audited.result.facts["documents"]["types"]
    check_common(audited, key_failed=False)


def test_retry_after_a_429_recovers_the_page(testweb: TestWeb, tmp_path: Path) -> None:
    flaky = Route(dynamic=_flaky_then_ok(429, {"Retry-After": "1"}))
    testweb.add_site(Site(HOST, pages={**PAGES, "/confidentialite": flaky}))
    audited = run_audit(testweb, tmp_path, testweb.url(HOST, "/", https=True))
    assert "privacy_policy" in audited.result.facts["documents"]["types"]
    assert any(e["kind"] == "retry" for e in _events(tmp_path))
    assert testweb.paths_for(HOST).count("/confidentialite") == 2
    check_common(audited, key_failed=False)


CHARSET_PAGE = ("<html><head><title>Confidentialité des élèves</title></head><body><h1>"
                "Confidentialité</h1><p>Données des élèves</p></body></html>")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", CHARSET_PAGE.encode("latin-1")),
        ("text/html; charset=utf-8", CHARSET_PAGE.encode("latin-1")),
        ("text/html; charset=klingon", CHARSET_PAGE.encode()),
        ("text/html; charset=iso-8859-1", CHARSET_PAGE.encode("latin-1")),
    ],
    ids=["missing_charset_latin1", "wrong_charset_utf8_declared", "unknown_charset", "latin1"],
)
def test_charset_faults_still_read_the_text(testweb: TestWeb, tmp_path: Path, content_type: str,
                                            body: bytes) -> None:
    page = Route(body=body, content_type=content_type)
    testweb.add_site(Site(HOST, pages={**PAGES, "/confidentialite": page}))
    audited = run_audit(testweb, tmp_path, testweb.url(HOST, "/", https=True))
    check_common(audited, key_failed=False)
    [item] = [p for p in audited.result.facts["pages"]["items"]
              if p["url"].endswith("/confidentialite")]
    assert item["charset"]  # which decoding was used is recorded with the page
    assert item["title"] == "Confidentialité des élèves"
    assert "privacy_policy" in audited.result.facts["documents"]["types"]


BROKEN = [
    "<html><body><h1>Politique de confidentialité<p>Données<div><table><tr><td>élèves",
    "<<<>>><a href='/cgu'>CGU</a<><script>while(1){}</script><p>Données personnelles",
    "\x00\x01\x02<html>\x00<p>Données</p>" + "<div>" * 5000,
    "<!doctype html><html><head><title>x</title></head><body>" + "<b><i>" * 3000 + "texte",
]


@pytest.mark.parametrize("html", BROKEN, ids=["unclosed", "garbage", "nul_bytes", "deep_nesting"])
def test_broken_html_is_read_without_crashing(testweb: TestWeb, tmp_path: Path, html: str) -> None:
    testweb.add_site(Site(HOST, pages={**PAGES, "/confidentialite": html}))
    audited = run_audit(testweb, tmp_path, testweb.url(HOST, "/", https=True))
    check_common(audited, key_failed=False)
    assert audited.result.facts["crawl"]["failures"] == []
