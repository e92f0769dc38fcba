"""Third-party services seen on school and consumer sites: trackers, CDNs, fonts, consent tools.

A request to ``stats.g.doubleclick.net`` must become "DoubleClick (Google, US), advertising"
in a report. The index matches a host against the longest listed domain suffix, so a
school's self-hosted Matomo on its own domain never matches Matomo Cloud.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rgpd_check.knowledge._loading import (
    KnowledgeDataError,
    as_bool,
    as_opt_country,
    as_opt_str,
    as_str,
    as_str_list,
    check_keys,
    provenance,
    read_yaml,
    require_list,
    require_mapping,
    unique_ids,
    where,
)

FILE = "trackers.yaml"

CATEGORIES = frozenset(
    {
        "analytics",
        "advertising",
        "session_replay",
        "social",
        "support_chat",
        "cdn",
        "fonts",
        "consent",
        "video",
        "maps",
        "captcha",
        "tag_manager",
        "payment",
        "error_monitoring",
        "a_b_testing",
        "customer_data_platform",
        "other",
    }
)

REQUIRED = (
    "id",
    "name",
    "domains",
    "owner",
    "owner_country",
    "category",
    "advertising",
    "session_replay",
    "receives_ip",
    "consent_platform",
    "source",
)
OPTIONAL = (
    "verified_on",
    "unverified",
    "pixel_events",
    "reject_selectors",
    "banner_selectors",
    "note",
)

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def is_hostname(value: str) -> bool:
    """A lower-case DNS name with at least two labels (no scheme, path, port or wildcard)."""
    if len(value) > 253 or "." not in value:
        return False
    return all(_LABEL.match(label) for label in value.split("."))


def normalise_host(host: str) -> str:
    """Lower-case, drop a trailing dot and any ``:port``; IDN hosts are left as given."""
    text = host.strip().lower().rstrip(".")
    if text.startswith("[") or text.count(":") > 1:
        return text  # IPv6 literal: never a tracker domain
    return text.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class PixelEvent:
    """Where an ad pixel carries the event name (e.g. Meta's ``facebook.com/tr?ev=PageView``)."""

    host: str
    path_prefix: str | None
    event_param: str


@dataclass(frozen=True, slots=True)
class Tracker:
    id: str
    name: str
    domains: tuple[str, ...]
    owner: str
    owner_country: str | None
    category: str
    advertising: bool
    session_replay: bool
    receives_ip: bool
    consent_platform: bool
    reject_selectors: tuple[str, ...]
    pixel_events: tuple[PixelEvent, ...]
    note: str | None
    source: str | None
    verified_on: dt.date | None
    unverified: bool
    # CSS selectors that reveal the platform's banner (consent platforms only).
    banner_selectors: tuple[str, ...] = ()


class TrackerIndex:
    """Host → tracker by the longest matching domain suffix (label boundaries only)."""

    def __init__(self, trackers: tuple[Tracker, ...]) -> None:
        self._trackers = trackers
        self._by_id = {t.id: t for t in trackers}
        self._by_domain: dict[str, Tracker] = {}
        for tracker in trackers:
            for domain in tracker.domains:
                self._by_domain[domain] = tracker

    def __iter__(self) -> Iterator[Tracker]:
        return iter(self._trackers)

    def __len__(self) -> int:
        return len(self._trackers)

    def get(self, tracker_id: str) -> Tracker | None:
        return self._by_id.get(tracker_id)

    def domains(self) -> Mapping[str, Tracker]:
        return dict(self._by_domain)

    def match_host(self, host: str) -> Tracker | None:
        """``www.google-analytics.com`` → Google Analytics; ``evilgoogle-analytics.com`` → None."""
        labels = normalise_host(host).split(".")
        for start in range(len(labels) - 1):
            tracker = self._by_domain.get(".".join(labels[start:]))
            if tracker is not None:
                return tracker
        return None


def _pixel_events(value: Any, source: Path, tid: str) -> tuple[PixelEvent, ...]:
    events = []
    for raw in require_list(value, source, tid, "pixel_events"):
        entry = require_mapping(raw, source, tid)
        check_keys(entry, source, f"{tid}:pixel_events", ("host", "event_param"), ("path_prefix",))
        host = as_str(entry["host"], source, tid, "pixel_events.host")
        if not is_hostname(host):
            raise KnowledgeDataError(f"{where(source, tid)}: pixel host {host!r} is not a hostname")
        events.append(
            PixelEvent(
                host,
                as_opt_str(entry.get("path_prefix"), source, tid, "path_prefix"),
                as_str(entry["event_param"], source, tid, "event_param"),
            )
        )
    return tuple(events)


def _tracker(raw: Any, source: Path) -> Tracker:
    entry: Mapping[str, Any] = require_mapping(raw, source, "trackers")
    tid = as_str(entry.get("id"), source, "trackers", "id")
    if not _ID.match(tid):
        raise KnowledgeDataError(f"{where(source, tid)}: id must be lower_snake_case")
    check_keys(entry, source, tid, REQUIRED, OPTIONAL)
    domains = as_str_list(entry["domains"], source, tid, "domains")
    if not domains:
        raise KnowledgeDataError(f"{where(source, tid)}: 'domains' must not be empty")
    for domain in domains:
        if not is_hostname(domain):
            raise KnowledgeDataError(f"{where(source, tid)}: {domain!r} is not a valid hostname")
    category = as_str(entry["category"], source, tid, "category")
    if category not in CATEGORIES:
        raise KnowledgeDataError(f"{where(source, tid)}: unknown category {category!r}")
    consent_platform = as_bool(entry["consent_platform"], source, tid, "consent_platform")
    selectors = as_str_list(entry.get("reject_selectors", []), source, tid, "reject_selectors")
    if selectors and not consent_platform:
        raise KnowledgeDataError(f"{where(source, tid)}: reject_selectors need consent_platform")
    banner = as_str_list(entry.get("banner_selectors", []), source, tid, "banner_selectors")
    if banner and not consent_platform:
        raise KnowledgeDataError(f"{where(source, tid)}: banner_selectors need consent_platform")
    url, verified_on, unverified = provenance(entry, source, tid)
    return Tracker(
        id=tid,
        name=as_str(entry["name"], source, tid, "name"),
        domains=domains,
        owner=as_str(entry["owner"], source, tid, "owner"),
        owner_country=as_opt_country(entry["owner_country"], source, tid, "owner_country"),
        category=category,
        advertising=as_bool(entry["advertising"], source, tid, "advertising"),
        session_replay=as_bool(entry["session_replay"], source, tid, "session_replay"),
        receives_ip=as_bool(entry["receives_ip"], source, tid, "receives_ip"),
        consent_platform=consent_platform,
        reject_selectors=selectors,
        banner_selectors=banner,
        pixel_events=_pixel_events(entry.get("pixel_events", []), source, tid),
        note=as_opt_str(entry.get("note"), source, tid, "note"),
        source=url,
        verified_on=verified_on,
        unverified=unverified,
    )


def parse_trackers(data: Any, source: Path) -> TrackerIndex:
    top = require_mapping(data, source, None)
    check_keys(top, source, None, ("schema_version", "trackers"))
    trackers = tuple(
        _tracker(raw, source) for raw in require_list(top["trackers"], source, None, "trackers")
    )
    unique_ids((t.id for t in trackers), source)
    owner: dict[str, str] = {}
    for tracker in trackers:
        for domain in tracker.domains:
            if domain in owner:
                first = owner[domain]
                raise KnowledgeDataError(
                    f"{source.name}: domain {domain!r} listed for {first!r} and {tracker.id!r}"
                )
            owner[domain] = tracker.id
    return TrackerIndex(trackers)


def read_trackers(path: Path | None = None) -> TrackerIndex:
    source, data = read_yaml(FILE, path)
    return parse_trackers(data, source)


@cache
def load_trackers() -> TrackerIndex:
    """The built-in trackers knowledge, read once per process."""
    return read_trackers()
