"""A logged-in area audited from a saved Playwright storage state (``--storage-state``)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rgpd_check.evidence.bundle import Bundle
from rgpd_check.evidence.redact import MASK
from rgpd_check.evidence.verify import verify_bundle
from rgpd_check.evidence.warc import REDACTED_HEADER
from tests.helpers import audit_site, cli_network_args
from tests.testweb.model import Route, Site
from tests.testweb.reqlog import LoggedRequest
from tests.testweb.web import TestWeb
from tests.trackers.support import FAST_BROWSER, needs_chromium

SECRET = "S3CRET-session-7f3a"
AREA = """<!doctype html><html lang="fr"><head><title>Ma classe</title>
<script src="https://cdn.mesure-tiers.test:${HTTPS_PORT}/m.js"></script></head>
<body><main><h1>Bienvenue dans votre classe</h1></main></body></html>"""


def _home(request: LoggedRequest) -> Route | str:
    if f"session={SECRET}" in (request.header("cookie") or ""):
        return AREA
    return Route(status=302, redirect="/connexion")


def _site(web: TestWeb) -> None:
    web.add_site(Site("classe.test", pages={
        "/": Route(dynamic=_home),
        "/connexion": "<html><body><form><input name='login'></form></body></html>",
    }))
    web.add_site(Site("cdn.mesure-tiers.test", pages={
        "/m.js": Route(body="localStorage.setItem('m', '1');", content_type="text/javascript"),
    }))


def _state(web: TestWeb, path: Path) -> Path:
    origin = web.url("classe.test", https=True).rstrip("/")
    path.write_text(json.dumps({
        "cookies": [{"name": "session", "value": SECRET, "domain": "classe.test", "path": "/",
                     "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}],
        "origins": [{"origin": origin,
                     "localStorage": [{"name": "eleve_prefs", "value": "police-dys"}]}],
    }))
    return path


@pytest.mark.browser
@needs_chromium
def test_logged_in_area_is_audited_from_a_storage_state(testweb: TestWeb, tmp_path: Path) -> None:
    _site(testweb)
    state = _state(testweb, tmp_path / "state.json")
    out = tmp_path / "audit"
    result = audit_site(testweb, [testweb.url("classe.test", https=True)], out, browser=True,
                        storage_state=state, browser_options={**FAST_BROWSER, "keylog": False},
                        formats=("json",))
    # Ground truth: the server saw the saved session cookie from the browser, and answered
    # with the logged-in page (which the crawler, without a session, never got).
    browser_hits = [r for r in testweb.requests_for("classe.test")
                    if "Chrome" in (r.header("user-agent") or "") and r.path == "/"]
    assert browser_hits and all(SECRET in (r.header("cookie") or "") for r in browser_hits)
    facts = result.facts
    assert facts["browser"]["authenticated"] is True
    assert facts["browser"]["pages"][0]["final_url"] == testweb.url("classe.test", https=True)
    hosts = {h["host"]: h for h in facts["trackers"]["third_party_hosts"]}
    assert hosts["cdn.mesure-tiers.test"]["modes"] == ["browser"]  # only behind the login
    storage = {s["key"]: s for s in facts["browser"]["storage"]}
    assert storage["eleve_prefs"]["value"] == MASK  # the saved login's storage is a secret too
    assert not storage["eleve_prefs"]["third_party"]
    session = next(c for c in facts["cookies"]["browser_stored"] if c["name"] == "session")
    assert session["from_storage_state"] is True
    assert "session (classe.test)" not in facts["cookies"]["non_essential_before_consent"]
    # The saved login's secret reaches the server but not the evidence: the browser log and
    # the WARC keep the cookie's name with a masked value, and say so.
    assert SECRET not in (Bundle.open(out).root / "browser.jsonl").read_text()
    warc = _warc_text(out)
    assert SECRET not in warc and f"session={MASK}" in warc
    assert f"{REDACTED_HEADER}: request-headers" in warc
    assert Bundle.open(out).audit["authenticated"] is True


def _warc_text(out: Path) -> str:
    """Every WARC of the bundle, decompressed (one gzip member per record)."""
    root = Bundle.open(out).root
    return "".join(gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
                   for path in sorted(root.rglob("*.warc.gz")))


RENEWED = "R3NEWED-session-91c2"


@pytest.mark.browser
@needs_chromium
def test_a_renewed_session_cookie_stays_out_of_the_evidence(
        testweb: TestWeb, tmp_path: Path) -> None:
    """The site renews the session (Set-Cookie): the new value is a secret too, while a cookie
    the page sets for itself stays in the evidence as it was."""
    def home(request: LoggedRequest) -> Route | str:
        cookies = request.header("cookie") or ""
        if SECRET in cookies or RENEWED in cookies:
            return Route(body=AREA, set_cookies=[f"session={RENEWED}; Path=/; HttpOnly; Secure",
                                                 "theme=contraste; Path=/"])
        return Route(status=302, redirect="/connexion")

    testweb.add_site(Site("classe.test", pages={"/": Route(dynamic=home),
                                                 "/connexion": "<html><body>login</body></html>"}))
    testweb.add_site(Site("cdn.mesure-tiers.test", pages={
        "/m.js": Route(body="localStorage.setItem('m', '1');", content_type="text/javascript"),
    }))
    out = tmp_path / "audit"
    audit_site(testweb, [testweb.url("classe.test", https=True)], out, browser=True,
               storage_state=_state(testweb, tmp_path / "state.json"),
               browser_options={**FAST_BROWSER, "keylog": False}, formats=("json",))
    seen = [r.header("cookie") or "" for r in testweb.requests_for("classe.test")
            if "Chrome" in (r.header("user-agent") or "")]
    assert any(SECRET in c for c in seen), "the server got the saved session"
    log = (Bundle.open(out).root / "browser.jsonl").read_text()
    warc = _warc_text(out)
    for evidence in (log, warc):
        assert SECRET not in evidence and RENEWED not in evidence
        assert f"session={MASK}" in evidence and "theme=contraste" in evidence


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rgpd_check", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


def test_storage_state_needs_the_browser(testweb: TestWeb, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"cookies": [], "origins": []}')
    result = _cli("audit", "https://classe.test/", "--out", str(tmp_path / "o"),
                  "--storage-state", str(state), *cli_network_args(testweb), "--no-browser")
    assert result.returncode == 2 and "--storage-state" in result.stderr
    assert testweb.requests == []


def test_a_broken_storage_state_stops_before_any_request(testweb: TestWeb, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"cookies": [{"name": "x"}]}')
    # Any executable stands for Chromium here: the file is rejected before the browser starts.
    result = _cli("audit", "https://classe.test/", "--out", str(tmp_path / "o"),
                  "--storage-state", str(state), *cli_network_args(testweb), "--browser",
                  RGPD_CHECK_CHROMIUM="/bin/sh")
    assert result.returncode == 2, result.stderr
    assert "cookie" in result.stderr and testweb.requests == []


def test_browser_asked_for_but_missing_is_an_input_error(testweb: TestWeb, tmp_path: Path) -> None:
    result = _cli("audit", "https://classe.test/", "--out", str(tmp_path / "o"),
                  *cli_network_args(testweb), "--browser",
                  RGPD_CHECK_CHROMIUM=str(tmp_path / "none"))
    assert result.returncode == 2 and "Chromium" in result.stderr
    assert testweb.requests == []


TOKEN = "eyJhbGciOiJIUzI1NiJ9.refresh-4b1d"
SPA = """<!doctype html><html lang="fr"><head><title>Ma classe</title></head><body>
<main><h1>Bienvenue</h1></main>
<script>
const token = localStorage.getItem('refresh_token');
fetch('/api/me?access=' + encodeURIComponent(token), {method: 'POST',
      headers: {'X-Token': token, 'Content-Type': 'application/json'},
      body: JSON.stringify({refresh: token})});
localStorage.setItem('refresh_token', token);
document.cookie = 'jeton=' + token + '; path=/';
</script></body></html>"""


@pytest.mark.browser
@needs_chromium
def test_a_saved_token_never_reaches_the_bundle_or_the_reports(
        testweb: TestWeb, tmp_path: Path) -> None:
    """A single-page app keeps its token in localStorage and sends it in a header, a query
    string and a POST body: the server gets it, the evidence and reports never do. The state
    gives its cookie by URL (no domain), which Playwright accepts too."""
    def api(request: LoggedRequest) -> Route | str:
        return Route(body=f'{{"seen": "{request.header("x-token")}"}}',
                     content_type="application/json")

    testweb.add_site(Site("ent.test", pages={"/": SPA, "/api/me": Route(dynamic=api)}))
    origin = testweb.url("ent.test", https=True).rstrip("/")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({
        "cookies": [{"name": "sid", "value": SECRET, "url": origin + "/"}],
        "origins": [{"origin": origin,
                     "localStorage": [{"name": "refresh_token", "value": TOKEN}]}],
    }))
    out = tmp_path / "audit"
    audit_site(testweb, [origin + "/"], out, browser=True, storage_state=state,
               browser_options={**FAST_BROWSER, "keylog": False}, formats=("json", "md"))
    api_calls = [r for r in testweb.requests_for("ent.test") if r.path.startswith("/api/me")]
    assert api_calls and api_calls[0].header("x-token") == TOKEN, "the site got its token"
    root = Bundle.open(out).root
    everything = {
        "warc": _warc_text(out),
        **{p.name: p.read_text(encoding="utf-8", errors="replace")
           for p in [*root.glob("*.jsonl"), *root.glob("*.json"), *out.glob("*.json"),
                     *out.glob("*.md")]},
    }
    for name, text in everything.items():
        assert TOKEN not in text, f"the saved token leaks into {name}"
        assert SECRET not in text, f"the saved cookie leaks into {name}"
    assert f"x-token: {MASK}" in everything["warc"].lower()
    assert verify_bundle(out).problems == []  # masked copies, consistent digests
    parts = "url, request-headers, request-body, response-body"  # the API echoes the token
    assert f"{REDACTED_HEADER}: {parts}" in everything["warc"]


ROTATED = "rotated-refresh-0123456789"
ROTATING = f"""<!doctype html><html lang="fr"><head><title>Ma classe</title></head><body>
<main><h1>Bienvenue</h1></main>
<script>localStorage.setItem('refresh_token', '{ROTATED}');
localStorage.setItem('theme', 'contraste-eleve');</script></body></html>"""


@pytest.mark.browser
@needs_chromium
def test_a_value_written_under_a_saved_key_is_a_secret_too(
        testweb: TestWeb, tmp_path: Path) -> None:
    """The app renews its token under the key the saved state filled: the new value, never
    seen before, is masked by its key; the page's other storage stays evidence."""
    testweb.add_site(Site("ent.test", pages={"/": ROTATING}))
    origin = testweb.url("ent.test", https=True).rstrip("/")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({
        "cookies": [],
        "origins": [{"origin": origin,
                     "localStorage": [{"name": "refresh_token", "value": TOKEN}]}],
    }))
    out = tmp_path / "audit"
    result = audit_site(testweb, [origin + "/"], out, browser=True, storage_state=state,
                        browser_options={**FAST_BROWSER, "keylog": False}, formats=("json",))
    log = (Bundle.open(out).root / "browser.jsonl").read_text(encoding="utf-8")
    for text in (log, (out / "facts.json").read_text(encoding="utf-8"),
                 (out / "report.json").read_text(encoding="utf-8")):
        assert ROTATED not in text and TOKEN not in text
    storage = {s["key"]: s for s in result.facts["browser"]["storage"]}
    assert storage["refresh_token"]["value"] == MASK
    assert storage["theme"]["value"] == "contraste-eleve"


ISSUED = "issued-later-token-5150"
REFRESHING = """<!doctype html><html lang="fr"><head><title>Ma classe</title></head><body>
<main><h1>Bienvenue</h1></main>
<script>fetch('/api/refresh').then(r => r.json()).then(d => {
  localStorage.setItem('refresh_token', d.token);
  return fetch('/api/me?t=' + d.token);
});</script></body></html>"""


@pytest.mark.browser
@needs_chromium
def test_a_token_issued_during_the_audit_is_masked_in_records_written_before(
        testweb: TestWeb, tmp_path: Path) -> None:
    """The site answers a new token in JSON; the page then keeps it under the saved key. The
    answer was recorded before the token was known: it is masked at the end all the same."""
    testweb.add_site(Site("ent.test", pages={
        "/": REFRESHING,
        "/api/refresh": Route(body=f'{{"token": "{ISSUED}"}}', content_type="application/json"),
        "/api/me": Route(body="{}", content_type="application/json"),
    }))
    origin = testweb.url("ent.test", https=True).rstrip("/")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"cookies": [], "origins": [
        {"origin": origin, "localStorage": [{"name": "refresh_token", "value": TOKEN}]}]}))
    out = tmp_path / "audit"
    audit_site(testweb, [origin + "/"], out, browser=True, storage_state=state,
               browser_options={**FAST_BROWSER, "keylog": False}, formats=("json",))
    assert any(r.path.startswith(f"/api/me?t={ISSUED}") for r in testweb.requests_for("ent.test"))
    root = Bundle.open(out).root
    for text in (_warc_text(out), (root / "browser.jsonl").read_text(encoding="utf-8"),
                 (out / "facts.json").read_text(encoding="utf-8")):
        assert ISSUED not in text
    assert verify_bundle(out).problems == []
