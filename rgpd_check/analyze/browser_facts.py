"""Browser evidence (``browser.jsonl``) read back, and the ``browser`` facts namespace.

Pure: everything comes from the stored log, so ``evaluate`` rebuilds the same facts offline.
:func:`load_browser_evidence` is shared with ``analyze/trackers.py``, which merges the
browser's requests and cookies with the static evidence.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.evidence.bundle import Bundle

BROWSER_LOG = "browser.jsonl"
PHASE_LOAD = "before_consent"
PHASE_KEYLOG = "keylog_probe"
PHASE_REFUSED = "after_refusal"
# No consent was given in these phases: what happens there happens "before consent".
PRE_CONSENT = frozenset({PHASE_LOAD, PHASE_KEYLOG})
MAX_REQUEST_FACTS = 300


@dataclass
class BrowserRequest:
    """One request the browser made, relayed (or refused) by our network component."""

    seq: int
    url: str
    host: str
    method: str
    resource_type: str
    phase: str
    visit: str
    frame_url: str | None
    outcome: str
    at: str
    status: int | None = None
    warc_record_id: str | None = None
    error: str | None = None
    error_detail: str | None = None
    post_data: str | None = None
    set_cookie: list[str] = field(default_factory=list)
    initiator_type: str | None = None
    initiator_url: str | None = None
    main_frame: bool | None = None
    # A cross-host redirect hop's cookies, which the relay could not hand to the browser.
    cookies_not_applied: bool = False
    # Third-party cookies the browser's policy refused (blocked mode), as Chromium would.
    cookies_refused: bool = False

    @property
    def kind(self) -> str:
        """Resource type, with an iframe's own document told apart from the page's."""
        if self.resource_type == "document" and self.main_frame is False:
            return "sub_frame"
        return self.resource_type

    def evidence(self) -> dict[str, Any]:
        ref: dict[str, Any] = {
            "type": "browser",
            "url": self.url,
            "source": f"{BROWSER_LOG}#{self.seq}",
            "observed_at": self.at,
        }
        if self.warc_record_id:
            ref["warc_record_id"] = self.warc_record_id
        return ref


@dataclass
class BrowserEvidence:
    """``browser.jsonl`` grouped by kind, in log order."""

    session: dict[str, Any]
    requests: list[BrowserRequest]
    entries: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    browser: dict[str, Any]

    @property
    def ran(self) -> bool:
        """Started and visited at least one page."""
        return self.session.get("ran", True) is not False and bool(self.visits)

    @property
    def mode(self) -> str:
        return str(self.session.get("mode") or "")

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e.get("kind") == kind]

    def purposes(self) -> dict[str, set[str]]:
        """Visited URL → why it was visited (entry, document:…, refusal…)."""
        found: dict[str, set[str]] = {}
        for visit in self.visits:
            found.setdefault(str(visit.get("url")), set()).add(str(visit.get("purpose")))
        return found

    def jar(self, phases: Iterable[str]) -> list[dict[str, Any]] | None:
        """The last cookie-jar snapshot taken in one of ``phases``."""
        wanted = set(phases)
        snapshots = [e for e in self.of_kind("cookies") if e.get("phase") in wanted]
        return list(snapshots[-1].get("cookies") or []) if snapshots else None


def load_browser_evidence(bundle: Bundle) -> BrowserEvidence | None:
    """None when browser mode did not run for this audit."""
    entries = list(bundle.entries(BROWSER_LOG))
    if not entries:
        return None
    sessions = [e for e in entries if e.get("kind") == "session"]
    initiators: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.get("kind") == "initiator":
            initiators.setdefault(str(entry.get("url")), entry)
    requests = []
    for entry in entries:
        if entry.get("kind") != "request":
            continue
        url = str(entry.get("url"))
        initiator = initiators.get(url) or {}
        requests.append(
            BrowserRequest(
                seq=int(entry.get("seq") or 0),
                url=url,
                host=host_of(url),
                method=str(entry.get("method") or "GET"),
                resource_type=str(entry.get("resource_type") or "other"),
                phase=str(entry.get("phase") or PHASE_LOAD),
                visit=str(entry.get("visit") or ""),
                frame_url=entry.get("frame_url"),
                outcome=str(entry.get("outcome") or ""),
                at=str(entry.get("at") or ""),
                status=entry.get("status"),
                warc_record_id=entry.get("warc_record_id"),
                error=entry.get("error"),
                error_detail=entry.get("error_detail"),
                post_data=entry.get("post_data"),
                set_cookie=list(entry.get("set_cookie") or []),
                initiator_type=initiator.get("initiator_type"),
                initiator_url=initiator.get("initiator_url"),
                main_frame=entry.get("main_frame"),
                cookies_not_applied=bool(entry.get("cookies_not_applied")),
                cookies_refused=bool(entry.get("cookies_refused")),
            )
        )
    browser: dict[str, Any] = next((e for e in reversed(entries) if e.get("kind") == "browser"), {})
    return BrowserEvidence(
        session=sessions[0] if sessions else {},
        requests=requests,
        entries=entries,
        visits=[e for e in entries if e.get("kind") == "visit"],
        browser=browser,
    )


CONSENT_CATEGORIES = frozenset(
    {
        "advertising",
        "analytics",
        "session_replay",
        "social",
        "a_b_testing",
        "customer_data_platform",
    }
)


def needs_consent(tracker: Any) -> bool:
    """Its purpose is never "strictly necessary" (ePrivacy art. 5(3)): consent first."""
    return bool(tracker.advertising or tracker.session_replay) or (
        tracker.category in CONSENT_CATEGORIES
    )


def browser_record_ids(evidence: BrowserEvidence | None) -> set[str]:
    """WARC records written for the browser (static analysis leaves them out)."""
    if evidence is None:
        return set()
    return {r.warc_record_id for r in evidence.requests if r.warc_record_id}


def is_pupil_visit(purposes: set[str]) -> bool:
    """Entry pages (and our probes of them) are what pupils see; documents are for adults."""
    return any(not p.startswith("document") for p in purposes) if purposes else True


def browser_facts(
    evidence: BrowserEvidence, first_party: set[str], trackers: Any
) -> dict[str, Any]:
    """The ``browser`` namespace."""
    facts: dict[str, Any] = {"ran": evidence.ran, "mode": evidence.mode}
    if not evidence.ran:
        errors = [str(e.get("detail")) for e in evidence.of_kind("error") if e.get("detail")]
        detail = evidence.session.get("detail") or evidence.session.get("error")
        facts["error"] = str(detail or (errors[0] if errors else "no page visited"))
        return facts
    if evidence.browser.get("version"):
        facts["chromium_version"] = str(evidence.browser["version"])
    if evidence.browser.get("user_agent"):
        facts["user_agent"] = str(evidence.browser["user_agent"])
    facts["authenticated"] = bool(evidence.of_kind("storage_state"))
    facts["pages"] = [
        {
            k: v
            for k, v in {
                "url": v.get("url"),
                "final_url": v.get("final_url"),
                "purpose": v.get("purpose"),
                "phase": v.get("phase"),
                "status": v.get("status"),
                "error": v.get("error"),
            }.items()
            if v is not None
        }
        for v in evidence.visits
    ]
    requests = evidence.requests

    def third(host: str) -> bool:
        return registrable_domain(host) not in first_party

    outcomes: dict[str, int] = {}
    for request in requests:
        outcomes[request.outcome] = outcomes.get(request.outcome, 0) + 1
    facts["requests_total"] = len(requests)
    facts["requests_by_outcome"] = outcomes
    facts["third_party_requests"] = sum(1 for r in requests if third(r.host))
    facts["third_party_hosts"] = sorted({r.host for r in requests if third(r.host)})
    ordered = sorted(requests, key=lambda r: (not third(r.host), r.seq))[:MAX_REQUEST_FACTS]
    facts["requests"] = [_request_fact(r, third(r.host)) for r in sorted(ordered, key=_seq)]
    facts["blocked"] = [
        {"url": r.url, "reason": r.error or r.outcome, "detail": r.error_detail or ""}
        for r in requests
        if r.outcome in ("blocked", "skipped")
    ]
    facts["not_intercepted"] = _not_intercepted(evidence)
    facts["websockets"] = _websockets(evidence, third)
    facts["storage"] = _storage(evidence, first_party)
    facts["third_party_storage_origins"] = sorted(
        {s["origin"] for s in facts["storage"] if s["third_party"]}
    )
    banner = _banner(evidence)
    if banner is not None:
        facts["consent_banner"] = banner
    refusal = _refusal(evidence, first_party, trackers)
    if refusal is not None:
        facts["refusal"] = refusal
    keylogging = _keylogging(evidence, third)
    if keylogging is not None:
        facts["keylogging"] = keylogging
    facts["screenshots"] = [
        {k: s[k] for k in ("file", "url", "sha256") if s.get(k)}
        for s in evidence.of_kind("screenshot")
        if s.get("file")
    ]
    facts["evidence"] = [
        {
            "type": "browser",
            "source": f"{BROWSER_LOG}#{v.get('seq')}",
            "url": str(v.get("url")),
            "observed_at": str(v.get("at")),
        }
        for v in evidence.visits[:5]
    ]
    return facts


def _seq(request: BrowserRequest) -> int:
    return request.seq


def _request_fact(request: BrowserRequest, third_party: bool) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "url": request.url[:500],
        "host": request.host,
        "method": request.method,
        "resource_type": request.resource_type,
        "party": "third" if third_party else "first",
        "phase": request.phase,
        "outcome": request.outcome,
        "evidence": [request.evidence()],
    }
    if request.status is not None:
        fact["status"] = request.status
    if request.initiator_type:
        fact["initiator_type"] = request.initiator_type
    if request.initiator_url:
        fact["initiator"] = request.initiator_url[:500]
    return fact


def _not_intercepted(evidence: BrowserEvidence) -> list[dict[str, Any]]:
    """Requests the browser reported (DevTools) that never reached our relay."""
    relayed = {r.url for r in evidence.requests}
    failures = {str(e.get("request_id")): e for e in evidence.of_kind("load_failed")}
    found = []
    for entry in evidence.of_kind("initiator"):
        url = str(entry.get("url"))
        if url in relayed or url.startswith(("ws://", "wss://")):
            continue
        relayed.add(url)  # once per URL
        failure = failures.get(str(entry.get("request_id"))) or {}
        found.append(
            {
                "url": url[:500],
                "resource_type": entry.get("resource_type"),
                "captured_by": "browser_protocol",
                "reached_network": False,
                "error": failure.get("error_text"),
            }
        )
    return found


def _websockets(evidence: BrowserEvidence, third: Any) -> list[dict[str, Any]]:
    frames: dict[int, list[str]] = {}
    for frame in evidence.of_kind("websocket_frame"):
        frames.setdefault(int(frame.get("socket_seq") or 0), []).append(str(frame.get("data")))
    sockets = []
    for socket in evidence.of_kind("websocket"):
        url = str(socket.get("url"))
        sockets.append(
            {
                "url": url,
                "third_party": bool(third(host_of(url))),
                "relayed": False,
                "captured_by": "browser_protocol",
                "phase": socket.get("phase"),
                "frames_sent": [f[:500] for f in frames.get(int(socket.get("seq") or 0), [])][:10],
            }
        )
    return sockets


def _storage(evidence: BrowserEvidence, first_party: set[str]) -> list[dict[str, Any]]:
    """Every storage entry seen before consent, with the script that wrote it when known."""
    writers: dict[tuple[str, str, str], str] = {}
    for write in evidence.of_kind("storage_write"):
        origin = _origin(str(write.get("frame_url") or ""))
        key = (origin, str(write.get("storage")), str(write.get("key")))
        if write.get("script"):
            writers.setdefault(key, str(write["script"]))
    items: dict[tuple[str, str, str], dict[str, Any]] = {}
    for snapshot in evidence.of_kind("storage"):
        if snapshot.get("phase") not in PRE_CONSENT:
            continue
        for frame in snapshot.get("frames") or []:
            origin = str(frame.get("origin") or _origin(str(frame.get("frame_url") or "")))
            for area in ("local", "session"):
                for pair in frame.get(area) or []:
                    name, value = str(pair[0]), str(pair[1])
                    key = (origin, area, name)
                    if key in items:
                        continue
                    items[key] = {
                        "origin": origin,
                        "frame_url": str(frame.get("frame_url")),
                        "area": area,
                        "key": name,
                        "value": value[:200],
                        "third_party": registrable_domain(host_of(origin)) not in first_party,
                        "set_by": writers.get(key),
                        "evidence": [
                            {
                                "type": "browser",
                                "url": str(frame.get("frame_url")),
                                "source": f"{BROWSER_LOG}#{snapshot.get('seq')}",
                                "observed_at": str(snapshot.get("at")),
                            }
                        ],
                    }
    return [items[k] for k in sorted(items)]


def _origin(url: str) -> str:
    parts = url.split("/", 3)
    return "/".join(parts[:3]) if len(parts) >= 3 else url


def _banner(evidence: BrowserEvidence) -> dict[str, Any] | None:
    checks = [c for c in evidence.of_kind("consent") if c.get("phase") == PHASE_LOAD]
    if not checks:
        return None
    shown = next((c for c in checks if c.get("detected")), None)
    chosen = shown or checks[0]
    fact: dict[str, Any] = {
        "detected": shown is not None,
        "visible": bool(shown and shown.get("visible")),
        "platform": chosen.get("platform"),
        "method": chosen.get("method"),
        "reject_button": bool(shown and shown.get("reject")),
        "evidence": [
            {
                "type": "browser",
                "url": str(chosen.get("page_url")),
                "source": f"{BROWSER_LOG}#{chosen.get('seq')}",
                "observed_at": str(chosen.get("at")),
                **({"quote": str(chosen["text"])[:300]} if chosen.get("text") else {}),
            }
        ],
    }
    return fact


def _refusal(
    evidence: BrowserEvidence, first_party: set[str], trackers: Any
) -> dict[str, Any] | None:
    attempts = evidence.of_kind("refusal")
    if not attempts:
        return None
    attempt = attempts[-1]
    fact: dict[str, Any] = {
        "attempted": True,
        "clicked": bool(attempt.get("clicked")),
        "platform": attempt.get("platform"),
        "method": attempt.get("method"),
        "evidence": [
            {
                "type": "browser",
                "url": str(attempt.get("page_url")),
                "source": f"{BROWSER_LOG}#{attempt.get('seq')}",
                "observed_at": str(attempt.get("at")),
            }
        ],
    }
    if attempt.get("reason"):
        fact["reason"] = attempt["reason"]
    if not fact["clicked"]:
        return fact
    after = [r for r in evidence.requests if r.phase == PHASE_REFUSED]
    third_hosts = sorted({r.host for r in after if registrable_domain(r.host) not in first_party})
    fact["third_party_hosts"] = third_hosts
    ids = set()
    for host in third_hosts:
        tracker = trackers.match_host(host) if trackers is not None else None
        if tracker is not None and needs_consent(tracker):
            ids.add(tracker.id)
    fact["trackers"] = sorted(ids)
    before = {(c.get("name"), c.get("domain")) for c in evidence.jar([PHASE_LOAD]) or []}
    after_jar = evidence.jar([PHASE_REFUSED]) or []
    fact["cookies_added"] = sorted(
        f"{c.get('name')} ({str(c.get('domain')).lstrip('.')})"
        for c in after_jar
        if (c.get("name"), c.get("domain")) not in before
    )
    return fact


def _keylogging(evidence: BrowserEvidence, third: Any) -> dict[str, Any] | None:
    """Were typed values (or a hash or base64 of them) sent before any submit?"""
    probes = evidence.of_kind("keylog_probe")
    if not probes:
        return None
    probe = probes[-1]
    values = [str(v) for v in probe.get("values") or []]
    fields = probe.get("fields") or []
    fact: dict[str, Any] = {"probed": True, "fields": len(fields)}
    if not fields:
        fact["detected"] = False
        fact["recipients"] = []
        return fact
    needles = {form: (value, name) for value in values for form, name in encodings(value).items()}
    hits: list[dict[str, Any]] = []
    for request in evidence.requests:
        if request.phase != PHASE_KEYLOG:
            continue
        haystack = f"{request.url}\n{request.post_data or ''}"
        lowered = haystack.lower()
        decoded = unquote_plus(haystack).lower()
        for form, (value, name) in needles.items():
            if form.lower() in lowered or form.lower() in decoded:
                hits.append({"request": request, "value": value, "form": name})
                break
    third_hits = [h for h in hits if third(h["request"].host)]
    fact["detected"] = bool(third_hits)
    fact["recipients"] = sorted({h["request"].host for h in third_hits})
    fact["first_party_recipients"] = sorted(
        {h["request"].host for h in hits if not third(h["request"].host)}
    )
    fact["requests"] = [
        {
            "url": h["request"].url[:300],
            "host": h["request"].host,
            "encoding": h["form"],
            "evidence": [h["request"].evidence()],
        }
        for h in third_hits[:10]
    ]
    return fact


def encodings(value: str) -> dict[str, str]:
    """The forms a typed value may travel in (as Blacklight checks), form → its name."""
    data = value.encode("utf-8")
    forms = {
        "plain": value,
        "url": quote(value, safe=""),
        "url+": quote_plus(value),
        "base64": base64.b64encode(data).decode("ascii").rstrip("="),
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - matching, not security
        "sha1": hashlib.sha1(data).hexdigest(),  # noqa: S324
        "sha256": hashlib.sha256(data).hexdigest(),
        "sha512": hashlib.sha512(data).hexdigest(),
    }
    found: dict[str, str] = {}
    for name, form in forms.items():
        found.setdefault(form, name)
    return found
