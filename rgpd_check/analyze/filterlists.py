"""Matching request URLs against the Adblock Plus filter lists stored in the bundle.

Brave's engine (the ``adblock`` package) with ``debug=True`` says which rule matched, so a
finding can quote it with the list's name, version and SHA-256. One engine per list keeps
the attribution exact; exception rules (``@@``) of a list are honoured within that list.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from rgpd_check.evidence.bundle import Bundle

FILTERLISTS_LOG = "filterlists.jsonl"

# Our resource kinds (static parser and Playwright) → the request types the engine knows.
REQUEST_TYPES = {
    "script": "script",
    "inline-script-url": "script",
    "image": "image",
    "icon": "image",
    "iframe": "sub_frame",
    "stylesheet": "stylesheet",
    "font": "font",
    "media": "media",
    "texttrack": "media",
    "object": "object",
    "embed": "object",
    "xhr": "xmlhttprequest",
    "fetch": "xmlhttprequest",
    "ping": "ping",
    "websocket": "websocket",
    "document": "document",
    "sub_frame": "sub_frame",
}


@dataclass(frozen=True)
class ListMatch:
    """One URL caught by one rule of one list."""

    list_name: str
    rule: str
    version: str | None
    last_modified: str | None
    sha256: str

    def as_fact(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "rule": self.rule,
            "version": self.version,
            "last_modified": self.last_modified,
            "sha256": self.sha256,
        }


class FilterMatcher:
    """The bundle's lists, compiled once per analysis."""

    def __init__(self, lists: list[tuple[dict[str, Any], str]]) -> None:
        import adblock

        self.lists = [meta for meta, _ in lists]
        self._engines = []
        for meta, text in lists:
            rules = adblock.FilterSet(debug=True)
            rules.add_filter_list(text)
            self._engines.append((meta, adblock.Engine(rules, optimize=False)))
        self._cache: dict[tuple[str, str, str], ListMatch | None] = {}

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> FilterMatcher | None:
        """None when the audit was given no filter list (or ``adblock`` is not installed)."""
        if importlib.util.find_spec("adblock") is None:
            return None  # facts stay absent: not checked, never "nothing found"
        lists = []
        for meta in bundle.entries(FILTERLISTS_LOG):
            path = bundle.root / str(meta.get("file", ""))
            if not path.is_file():
                continue
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            lists.append((meta, text))
        return cls(lists) if lists else None

    def match(self, url: str, source_url: str, kind: str) -> ListMatch | None:
        """The first list (in the order given) whose rules block ``url`` loaded by a page."""
        request_type = REQUEST_TYPES.get(kind, "other")
        key = (url, source_url, request_type)
        if key in self._cache:
            return self._cache[key]
        found: ListMatch | None = None
        for meta, engine in self._engines:
            result = engine.check_network_urls(url, source_url or url, request_type)
            if result.matched and result.filter:
                found = ListMatch(
                    list_name=str(meta.get("name")),
                    rule=str(result.filter),
                    version=meta.get("version"),
                    last_modified=meta.get("last_modified"),
                    sha256=str(meta.get("sha256")),
                )
                break
        self._cache[key] = found
        return found

    def describe(self) -> list[dict[str, Any]]:
        """The lists as facts (identity and licence, for the report's sources)."""
        keys = (
            "name",
            "title",
            "version",
            "last_modified",
            "license",
            "homepage",
            "sha256",
            "rules",
            "file",
        )
        return [{k: meta[k] for k in keys if meta.get(k) is not None} for meta in self.lists]
