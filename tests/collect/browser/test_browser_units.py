"""Browser-mode pieces that need no browser: relay, profile, options, consent words, inputs."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rgpd_check.collect.browser import chromium
from rgpd_check.collect.browser.consent import REJECT_WORDS, known_platforms
from rgpd_check.collect.browser.instrument import script_from_stack
from rgpd_check.collect.browser.record import BrowserLog
from rgpd_check.collect.browser.relay import (
    Relay,
    abort_reason,
    forward_headers,
    frame_chain,
    fulfil_headers,
    third_party,
)
from rgpd_check.collect.browser.session import BrowserOptions, key_documents
from rgpd_check.collect.browser.storage_state import (
    read_storage_state,
    redactor_for,
    secret_cookies,
)
from rgpd_check.collect.filterlists import read_filter_list, store_filter_lists
from rgpd_check.collect.net import FetchResult
from rgpd_check.errors import InputError
from rgpd_check.evidence.bundle import Bundle, BundleWriter
from rgpd_check.evidence.redact import Redactor
from rgpd_check.knowledge import load_trackers

FILTER_LIST = Path(__file__).parents[2] / "fixtures" / "filterlists" / "mini-privacy.txt"


# -- relay -----------------------------------------------------------------------------------
def test_forwarded_request_headers_keep_cookies_and_drop_transport() -> None:
    headers = {"cookie": "a=1", "referer": "https://t.test/", "content-type": "text/plain",
               "accept-encoding": "gzip, br, zstd", "host": "x.test", "connection": "keep-alive",
               ":authority": "x.test", "user-agent": "Chrome rgpd-check"}
    assert dict(forward_headers(headers)) == {"cookie": "a=1", "referer": "https://t.test/",
                                              "content-type": "text/plain",
                                              "user-agent": "Chrome rgpd-check"}


def test_fulfilled_headers_keep_every_set_cookie() -> None:
    merged = fulfil_headers([("Set-Cookie", "a=1; Path=/"), ("set-cookie", "b=2"),
                             ("Content-Encoding", "gzip"), ("Content-Length", "12"),
                             ("Vary", "Accept"), ("vary", "Cookie"), ("Content-Type", "text/html")])
    assert merged == {"set-cookie": "a=1; Path=/\nb=2", "vary": "Accept, Cookie",
                      "content-type": "text/html"}


def test_abort_reasons_follow_the_fetch_error() -> None:
    assert abort_reason(FetchResult(url="u", error="blocked_address")) == "blockedbyclient"
    assert abort_reason(FetchResult(url="u", error="dns_nxdomain")) == "namenotresolved"
    assert abort_reason(FetchResult(url="u", error="weird")) == "failed"


class _Request:
    def __init__(self, url: str, method: str = "GET", body: bytes | None = None,
                 navigation: bool = False) -> None:
        self.url, self.method, self.resource_type = url, method, "image"
        self.post_data_buffer = body
        self.headers = {"cookie": "id=1", "accept-encoding": "br"}
        self.frame = None
        self.navigation = navigation

    def is_navigation_request(self) -> bool:
        return self.navigation

    async def all_headers(self) -> dict[str, str]:
        return self.headers


class _Route:
    def __init__(self, request: _Request) -> None:
        self.request = request
        self.calls: list[tuple[str, Any]] = []

    async def fulfill(self, **kwargs: Any) -> None:
        self.calls.append(("fulfill", kwargs))

    async def abort(self, reason: str) -> None:
        self.calls.append(("abort", reason))

    async def continue_(self) -> None:
        self.calls.append(("continue", None))


class _Net:
    def __init__(self, result: FetchResult, by_url: dict[str, FetchResult] | None = None) -> None:
        self.result = result
        self.by_url = by_url or {}
        self.sent: list[dict[str, Any]] = []
        self.redactor = None  # as NetClient outside a logged-in audit

    async def fetch(self, url: str, **kwargs: Any) -> FetchResult:
        self.sent.append({"url": url, **kwargs})
        return self.by_url.get(url, self.result)


def _relay(tmp_path: Path, result: FetchResult) -> tuple[Relay, _Net, BundleWriter]:
    writer = BundleWriter(tmp_path, {}, ["test"])
    net = _Net(result)
    return Relay(net, BrowserLog(writer)), net, writer  # type: ignore[arg-type]


def test_relay_fetches_with_our_client_and_fulfils_the_decoded_body(tmp_path: Path) -> None:
    body = gzip.compress(b"GIF89a")
    result = FetchResult(url="https://px.test/p", status=200, reason="OK", body=body,
                         headers=[("Content-Encoding", "gzip"), ("Set-Cookie", "u=1"),
                                  ("Set-Cookie", "v=2")], record_id="<urn:uuid:1>", ip="192.0.2.1")
    relay, net, writer = _relay(tmp_path, result)
    route = _Route(_Request("https://px.test/p", "POST", b"k=v"))
    asyncio.run(relay.handle(route))  # type: ignore[arg-type]
    assert net.sent[0]["method"] == "POST" and net.sent[0]["content"] == b"k=v"
    assert ("cookie", "id=1") in net.sent[0]["headers"]
    [(action, kwargs)] = route.calls
    assert action == "fulfill" and kwargs["body"] == b"GIF89a"
    assert kwargs["headers"] == {"set-cookie": "u=1\nv=2"}
    writer.close(status="complete", not_collected=[])
    [entry] = Bundle.open(tmp_path).entries("browser.jsonl")
    assert entry["outcome"] == "relayed" and entry["warc_record_id"] == "<urn:uuid:1>"
    assert entry["set_cookie"] == ["u=1", "v=2"] and entry["post_data"] == "k=v"


def test_relay_follows_a_subresource_redirect_hop_by_hop(tmp_path: Path) -> None:
    hops = {
        "https://t.test/a": FetchResult(url="https://t.test/a", status=302, headers=[
            ("Location", "https://sync.test/b"), ("Set-Cookie", "a=1")], record_id="<1>"),
        "https://sync.test/b": FetchResult(url="https://sync.test/b", status=200, body=b"gif",
                                           headers=[("Set-Cookie", "b=2")], record_id="<2>"),
    }
    relay, net, writer = _relay(tmp_path, FetchResult(url="x", status=404))
    net.by_url = hops
    route = _Route(_Request("https://t.test/a"))
    asyncio.run(relay.handle(route))  # type: ignore[arg-type]
    assert [s["url"] for s in net.sent] == ["https://t.test/a", "https://sync.test/b"]
    assert ("cookie", "id=1") not in net.sent[1]["headers"]  # t.test's cookies stay home
    [(action, kwargs)] = route.calls
    assert action == "fulfill" and kwargs["status"] == 200 and kwargs["body"] == b"gif"
    assert kwargs["headers"]["set-cookie"] == "a=1"  # b=2 would land on t.test
    writer.close(status="complete", not_collected=[])
    first, second = Bundle.open(tmp_path).entries("browser.jsonl")
    assert first["redirect"] == "followed_by_relay" and first["warc_record_id"] == "<1>"
    assert second["redirected_from"] == "https://t.test/a" and second["cookies_not_applied"]


def test_a_navigation_redirect_is_replayed_by_the_browser(tmp_path: Path) -> None:
    moved = FetchResult(url="http://t.test/", status=301, record_id="<1>",
                        headers=[("Location", "https://t.test/</script>"), ("Set-Cookie", "s=1")])
    relay, net, _ = _relay(tmp_path, moved)
    route = _Route(_Request("http://t.test/", navigation=True))
    asyncio.run(relay.handle(route))  # type: ignore[arg-type]
    assert len(net.sent) == 1  # the browser itself comes back for the next hop
    [(action, kwargs)] = route.calls
    assert kwargs["status"] == 200 and kwargs["headers"]["set-cookie"] == "s=1"
    assert 'location.replace("https://t.test/\\u003c/script>")' in kwargs["body"]
    assert "</script></script>" not in kwargs["body"]


def test_relay_aborts_what_the_guard_refuses(tmp_path: Path) -> None:
    refused = FetchResult(url="https://in.test/", error="blocked_address", error_detail="10.0.0.1")
    relay, _, writer = _relay(tmp_path, refused)
    route = _Route(_Request("https://in.test/"))
    asyncio.run(relay.handle(route))  # type: ignore[arg-type]
    assert route.calls == [("abort", "blockedbyclient")]
    writer.close(status="complete", not_collected=[])
    [entry] = Bundle.open(tmp_path).entries("browser.jsonl")
    assert entry["outcome"] == "blocked" and entry["error"] == "blocked_address"


def test_relay_request_budget(tmp_path: Path) -> None:
    relay, net, _ = _relay(tmp_path, FetchResult(url="u", status=204))
    relay.max_requests = 1
    routes = [_Route(_Request(f"https://x.test/{i}")) for i in range(2)]
    for route in routes:
        asyncio.run(relay.handle(route))  # type: ignore[arg-type]
    assert len(net.sent) == 1 and routes[1].calls == [("abort", "blockedbyclient")]


def test_settle_returns_once_quiet(tmp_path: Path) -> None:
    relay, _, _ = _relay(tmp_path, FetchResult(url="u", status=204))
    relay.last_activity -= 10
    asyncio.run(asyncio.wait_for(relay.settle(0.05, 5.0), timeout=2))


# -- Chromium, profile, options ---------------------------------------------------------------
def test_find_chromium_from_the_environment(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert chromium.find_chromium({chromium.CHROMIUM_ENV: str(fake)}) == str(fake)
    fake.chmod(0o644)
    assert chromium.find_chromium({chromium.CHROMIUM_ENV: str(fake)}) is None
    assert chromium.find_chromium({chromium.CHROMIUM_ENV: str(tmp_path / "none")}) is None


def test_profile_sets_only_the_third_party_cookie_policy(tmp_path: Path) -> None:
    chromium.write_profile(tmp_path / "a", chromium.THIRD_PARTY_ALLOWED)
    chromium.write_profile(tmp_path / "b", chromium.THIRD_PARTY_BLOCKED)
    read = [json.loads((tmp_path / d / "Default" / "Preferences").read_text()) for d in "ab"]
    assert [r["profile"]["cookie_controls_mode"] for r in read] == [0, 1]
    with pytest.raises(ValueError):
        chromium.write_profile(tmp_path / "c", "lenient")


def test_launch_arguments_keep_the_browser_off_the_network() -> None:
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in chromium.LAUNCH_ARGS
    assert not any(a.startswith("--ignore-certificate-errors") for a in chromium.LAUNCH_ARGS)


def test_browser_options_from_a_dict() -> None:
    options = BrowserOptions.from_dict({"linger": 0.1, "storage_state": "/tmp/s.json", "x": 1})
    assert options.linger == 0.1 and options.storage_state == Path("/tmp/s.json")
    assert options.mode == chromium.THIRD_PARTY_ALLOWED


def test_key_documents_one_per_type_policy_first() -> None:
    def page(url: str, doc_type: str, status: int = 200) -> dict[str, Any]:
        return {"kind": "page", "purpose": "document", "url": url, "final_url": url,
                "status": status, "via": {"type": doc_type}}

    events = [page("https://t.test/cgu", "terms"),
              page("https://t.test/404", "privacy_policy", 404),
              page("https://t.test/conf", "privacy_policy"),
              page("https://t.test/conf2", "privacy_policy"),
              page("https://t.test/dpa", "dpa"), page("https://t.test/cgu.pdf", "cookie_policy"),
              {"kind": "page", "purpose": "entry", "url": "x"}]
    assert key_documents(events, 3) == [("https://t.test/conf", "privacy_policy"),
                                        ("https://t.test/cgu", "terms")]
    assert key_documents(events, 1) == [("https://t.test/conf", "privacy_policy")]


# -- attribution, consent ---------------------------------------------------------------------
def test_script_from_a_javascript_stack() -> None:
    stack = ("Error\n    at HTMLDocument.set [as cookie] (<anonymous>:3:209)\n"
             "    at https://www.google-analytics.com:8443/analytics.js:1:20\n"
             "    at https://t.test/:4:96")
    assert script_from_stack(stack) == "https://www.google-analytics.com:8443/analytics.js"
    assert script_from_stack("Error\n    at <anonymous>:1:1") is None


@pytest.mark.parametrize("label", ["Tout refuser", "Refuser", "Continuer sans accepter",
                                   "Reject all", "Je refuse", "Uniquement les cookies nécessaires"])
def test_refusal_words(label: str) -> None:
    assert re.search(REJECT_WORDS, label, re.I)


@pytest.mark.parametrize(
    "label", ["Tout accepter", "Accept all", "Paramétrer", "Refuser et payer 2 €"]
)
def test_not_refusal_words(label: str) -> None:
    assert not re.search(REJECT_WORDS, label, re.I)


def test_known_platforms_come_from_the_knowledge_base() -> None:
    platforms = {p["id"]: p for p in known_platforms(load_trackers())}
    assert platforms["tarteaucitron"]["banner"] == ["#tarteaucitronRoot"]
    assert "#tarteaucitronAllDenied2" in platforms["tarteaucitron"]["reject"]
    assert platforms["onetrust"]["reject"] == []  # found, but no one-click refusal
    assert "google_analytics" not in platforms


# -- inputs: storage state, filter lists ------------------------------------------------------
def test_storage_state_is_checked_and_its_secrets_named(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"cookies": [{"name": "sid", "value": "x", "domain": ".t.test"}],
                                "origins": [{"origin": "https://t.test", "localStorage": []}]}))
    state = read_storage_state(path)
    assert secret_cookies(state) == frozenset({("sid", "t.test")}) and len(state["sha256"]) == 64
    bad_files = ("[]", "{", '{"cookies": [{"name": "x", "value": "1"}]}',
                 '{"origins": [{"origin": "x"}]}')
    for bad in bad_files:
        path.write_text(bad)
        with pytest.raises(InputError):
            read_storage_state(path)


def test_the_redactor_of_a_storage_state_knows_names_and_values(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({
        "cookies": [{"name": "sid", "value": "cookie-value-1", "url": "https://ent.test/"}],
        "origins": [{"origin": "https://ent.test",
                     "localStorage": [{"name": "token", "value": "storage-value-2"}]}]}))
    redactor = redactor_for(read_storage_state(path))
    assert redactor.is_secret_cookie("sid", "ent.test")  # a cookie given by URL: its host
    assert redactor.is_secret_cookie("sid", "www.ent.test")
    assert redactor.is_secret_storage("ent.test", "token")
    assert redactor.scrub("cookie-value-1 storage-value-2") == "<secret> <secret>"


def test_filter_list_identity_is_read_from_its_header() -> None:
    filter_list = read_filter_list(FILTER_LIST)
    assert filter_list.meta["title"].startswith("rgpd-check mini privacy list")
    assert filter_list.meta["version"] == "202611290000"
    assert filter_list.meta["license"].startswith("CC0")
    assert filter_list.rules == 3 and len(filter_list.sha256) == 64


@pytest.mark.parametrize("content", [b"! only comments\n", b"\xff\xfe||x.test^\n"])
def test_unusable_filter_lists_are_input_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    with pytest.raises(InputError):
        read_filter_list(path)


def test_filter_lists_are_copied_into_the_bundle_as_given(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path, {}, ["test"])
    [entry] = store_filter_lists(writer, [read_filter_list(FILTER_LIST)])
    writer.close(status="complete", not_collected=[])
    bundle = Bundle.open(tmp_path)
    assert (bundle.root / entry["file"]).read_bytes() == FILTER_LIST.read_bytes()
    assert list(bundle.entries("filterlists.jsonl"))[0]["sha256"] == entry["sha256"]


def test_banner_selectors_are_for_consent_platforms_only(tmp_path: Path) -> None:
    from rgpd_check.knowledge._loading import KnowledgeDataError
    from rgpd_check.knowledge.trackers import parse_trackers

    entry = {"id": "x", "name": "X", "domains": ["x.test"], "owner": "X", "owner_country": "FR",
             "category": "analytics", "advertising": False, "session_replay": False,
             "receives_ip": True, "consent_platform": False, "banner_selectors": ["#x"],
             "source": "https://example.org/x", "unverified": True}
    with pytest.raises(KnowledgeDataError, match="banner_selectors need consent_platform"):
        parse_trackers({"schema_version": 1, "trackers": [entry]}, tmp_path / "t.yaml")
    consent = {**entry, "category": "consent", "consent_platform": True}
    [tracker] = parse_trackers({"schema_version": 1, "trackers": [consent]}, tmp_path / "t.yaml")
    assert tracker.banner_selectors == ("#x",)


# -- third-party cookies: which frames decide ---------------------------------------------------
def _frame(url: str, parent: Any = None) -> Any:
    return SimpleNamespace(url=url, parent_frame=parent)


def _request(url: str, frame: Any, navigation: bool = False) -> Any:
    return SimpleNamespace(url=url, frame=frame, is_navigation_request=lambda: navigation)


def test_the_frames_that_decide_whether_a_request_is_third_party() -> None:
    top = _frame("https://classe.test/")
    widget = _frame("https://widget.test/embed", top)
    inner = _frame("https://www.classe.test/inner", widget)
    assert frame_chain(_request("https://classe.test/", top, navigation=True)) == [
        "https://classe.test/"]  # fmt: skip
    assert frame_chain(_request("https://widget.test/embed", widget, navigation=True)) == [
        "https://classe.test/"]  # a frame's own navigation: judged by the frames around it
    chain = frame_chain(_request("https://classe.test/p.gif", inner))
    assert chain == ["https://www.classe.test/inner", "https://widget.test/embed",
                     "https://classe.test/"]  # fmt: skip
    assert not third_party("cdn.classe.test", ["https://classe.test/"])
    assert third_party("pixel.test", ["https://classe.test/"])
    assert third_party("classe.test", chain), "same site, but inside a cross-site frame"
    assert not third_party("classe.test", ["about:blank", "https://classe.test/"])
    assert not third_party("pixel.test", ["about:blank"]), "unknown top: nothing decided"
    # Sites as the browser keys cookies: a private suffix (github.io) separates sites.
    assert third_party("b.github.io", ["https://a.github.io/"])
    assert not third_party("cdn.a.github.io", ["https://a.github.io/"])


def test_secrets_learnt_late_are_masked_in_what_was_logged_before(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path, {}, ["test"])
    log = BrowserLog(writer)
    log.redactor = Redactor()
    log.write("initiator", url="https://ent.test/api?access=late-token-123")
    log.redactor.learn("late-token-123")  # met later, e.g. in an Authorization header
    log.write("request", url="https://ent.test/next", note="late-token-123")
    log.finish()
    log.write("cookies", cookies=[])  # the log goes on after the rewrite
    writer.close(status="complete", not_collected=[])
    entries = list(Bundle.open(tmp_path).entries("browser.jsonl"))
    assert [e["kind"] for e in entries] == ["initiator", "request", "cookies"]
    text = (Bundle.open(tmp_path).root / "browser.jsonl").read_text(encoding="utf-8")
    assert "late-token-123" not in text and text.count("<secret>") == 2
    assert Bundle.open(tmp_path).manifest["status"] == "complete"
