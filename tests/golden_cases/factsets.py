"""Golden cases: synthetic fact sets written in a short form, expanded to facts documents.

A case file says what is true of a fictional tool modelled on a real one (domain.md §7):
which documents were read, which signals the reader found (every other signal was looked for
and not found), what hosting, trackers and transport security were observed. The expansion
is plain and checked against the facts schema, so a case reads like a data-protection
officer's notes, yet goes through the real rules and the real policy.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rgpd_check.analyze.documents.read import SIGNALS
from rgpd_check.analyze.facts import context_facts
from rgpd_check.facts import load_facts_schema
from rgpd_check.knowledge import load_countries

CASES_DIR = Path(__file__).parent / "cases"
DOC_PATHS = {
    "privacy_policy": "confidentialite",
    "terms": "cgu",
    "legal_notice": "mentions-legales",
    "dpa": "dpa",
    "subprocessors": "sous-traitants",
    "cookie_policy": "cookies",
    "children_privacy": "eleves",
    "security": "securite",
}
SECURITY_GOOD = {
    "https": True,
    "http_redirects_to_https": True,
    "hsts": True,
    "hsts_max_age": 31536000,
    "tls_version": "TLSv1.3",
    "tls_errors": [],
    "insecure_cookies": [],
    "mixed_content": [],
    "forms_over_http": [],
}

# A browser visit that saw nothing wrong: no banner needed, no refusal to try, no key logging.
BROWSER_RAN = {
    "ran": True,
    "mode": "headless",
    "consent_banner": {"detected": False, "visible": False, "reject_button": False},
    "refusal": {"attempted": False, "clicked": False, "trackers": []},
    "keylogging": {"probed": True, "fields": 1, "detected": False, "recipients": []},
}


@dataclass
class Expectation:
    """One context and what a data-protection officer concludes in it."""

    context: dict[str, str]
    level: str
    why: str
    reasons: list[str] = field(default_factory=list)
    not_reasons: list[str] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    computed_level: str | None = None
    best_case: str | None = None
    worst_case: str | None = None
    patch: dict[str, Any] = field(default_factory=dict)
    stance: bool = True

    @property
    def label(self) -> str:
        ctx = "/".join(self.context[k] for k in ("audience", "school_level"))
        return f"{ctx}{'+patch' if self.patch else ''}"


@dataclass
class Case:
    id: str
    modelled_on: str
    host: str
    short: dict[str, Any]
    expectations: list[Expectation]
    operator_kind: str | None = None
    stance: dict[str, str] | None = None

    def facts(self, expectation: Expectation) -> dict[str, Any]:
        """The facts document of this case in the expectation's context."""
        short = _merge(copy.deepcopy(self.short), expectation.patch)
        facts: dict[str, Any] = {"facts_version": 1}
        facts["crawl"] = self._crawl(short.get("crawl", "complete"))
        if "documents" in short:
            facts["documents"] = self._documents(short["documents"])
        if short.get("hosting") is not None:
            facts["hosting"] = _hosting(short["hosting"])
        for namespace in ("trackers", "cookies"):
            if short.get(namespace) is not None:
                facts[namespace] = dict(short[namespace])
        browser = short.get("browser", "ran")
        if browser is not None:
            facts["browser"] = BROWSER_RAN if browser == "ran" else {**BROWSER_RAN, **browser}
        security = short.get("security", "good")
        if security is not None:
            facts["security"] = (
                SECURITY_GOOD if security == "good" else {**SECURITY_GOOD, **security}
            )
        for namespace in ("trackers", "cookies"):
            if namespace in facts:
                _fill_lists(namespace, facts[namespace])
        context = context_facts(
            expectation.context["audience"], expectation.context["school_level"]
        )
        if self.operator_kind:
            context["operator_kind"] = self.operator_kind
        facts["context"] = context
        return facts

    def url(self, path: str = "") -> str:
        return f"https://{self.host}/{path}"

    def _crawl(self, value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        complete = value == "complete"
        return {
            "entry_urls": [self.url()],
            "pages_fetched": 12,
            "pages_failed": 0 if complete else 1,
            "requests": 20,
            "complete": complete,
            "entry_reachable": True,
            "failures": []
            if complete
            else [
                {
                    "url": self.url(DOC_PATHS["privacy_policy"]),
                    "reason": "robots_disallowed",
                    "purpose": "document",
                    "type": "privacy_policy",
                }
            ],
        }

    def _documents(self, short: dict[str, Any]) -> dict[str, Any]:
        read = list(short.get("read", []))
        first = self.url(DOC_PATHS.get(read[0], "doc")) if read else self.url()
        items = [
            {
                "url": self.url(DOC_PATHS.get(kind, kind)),
                "type": kind,
                "lang": (short.get("languages") or ["fr"])[0],
                "text_hash": "sha256:" + hashlib.sha256(f"{self.host}/{kind}".encode()).hexdigest(),
                "text_hash_version": "1",
            }
            for kind in read
        ]
        docs: dict[str, Any] = {
            "types": sorted(read),
            "types_unreadable": sorted(short.get("unreadable", [])),
            "languages": sorted(short.get("languages", ["fr"])),
            "items": items,
        }
        found = short.get("signals", {})
        if found == "none":
            return docs
        denied = short.get("denied", {})
        signals: dict[str, Any] = {}
        for name in SIGNALS:
            if name in found:
                signals[name] = _signal(found[name] or {}, "affirmed", first)
            elif name in denied:
                signals[name] = _signal(denied[name] or {}, "denied", first)
            else:
                signals[name] = {"present": False, "status": "not_found"}
        docs["signals"] = signals
        return docs


def _hosting(short: dict[str, Any]) -> dict[str, Any]:
    """``observed``/``declared`` country lists → the hosting facts the analyzer writes."""
    if "observed" not in short and "declared" not in short:
        return dict(short)
    countries = load_countries()
    observed = list(short.get("observed") or [])
    hosting: dict[str, Any] = {
        "cdn_only": bool(short.get("cdn", False)),
        "secnumcloud": bool(short.get("secnumcloud", False)),
        "conflicts": list(short.get("conflicts", [])),
    }
    if observed:
        non_eea = [c for c in observed if not countries.is_eea(c)]
        hosting.update(
            tool_countries=observed,
            tool_non_eea_countries=non_eea,
            tool_eea_only=not non_eea,
            tool_providers=list(short.get("providers", [])),
            non_eu_jurisdiction=bool(short.get("non_eu_jurisdiction", False)),
            confidence="high",
        )
    for role in ("mail", "third_party"):
        listed = list(short.get(role, []))
        hosting[f"{role}_countries"] = listed
        hosting[f"{role}_non_eea_countries"] = [c for c in listed if not countries.is_eea(c)]
    declared = short.get("declared")
    if declared is not None:
        non_eea = [c for c in declared if c != "EU" and not countries.is_eea(c)]
        hosting["declared"] = {
            "statement_found": bool(declared),
            "countries": list(declared),
            "non_eea_countries": non_eea,
            "eea_only": bool(declared) and not non_eea,
            "dpf_only": bool(short.get("dpf_only", False)),
        }
        hosting["declared_countries"] = list(declared)
    return hosting


def _fill_lists(namespace: str, facts: dict[str, Any]) -> None:
    """Lists the analyzer always writes and the case leaves out: nothing of that kind seen.

    Keeps the cases right when a rule author adds a list-valued fact; a new boolean fact
    stays absent (unknown) and the failing case names the rule to look at.
    """
    properties = load_facts_schema()["properties"][namespace].get("properties", {})
    for name, schema in properties.items():
        if name not in facts and schema.get("type") == "array":
            facts[name] = []


def _signal(spec: dict[str, Any] | str, status: str, url: str) -> dict[str, Any]:
    spec = {"quote": spec} if isinstance(spec, str) else spec
    signal: dict[str, Any] = {"present": status == "affirmed", "status": status}
    if "value" in spec:
        signal["value"] = spec["value"]
    quote = spec.get("quote")
    if quote:
        signal["quotes"] = [{"text": quote, "start": 100, "end": 100 + len(quote), "url": url}]
    return signal


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; a None value removes the key."""
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def load_case(path: Path) -> Case:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    expectations = [Expectation(**item) for item in raw.pop("expect")]
    return Case(
        id=raw["id"],
        modelled_on=raw["modelled_on"],
        host=raw["host"],
        short=raw["facts"],
        expectations=expectations,
        operator_kind=raw.get("operator_kind"),
        stance=raw.get("stance"),
    )


def load_cases() -> list[Case]:
    return [load_case(path) for path in sorted(CASES_DIR.glob("*.yaml"))]
