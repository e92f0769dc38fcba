"""Shared fixtures: the small reports under fixtures/ and a hostile one built from them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = ("a_verifier", "deconseille", "override")
# Reports written by the real classifier from golden cases (policy reasons, a range).
CLASSIFIED_FIXTURES = ("precautions", "range")


def load_fixture(name: str) -> dict[str, Any]:
    """A fresh copy of one fixture report (tests may mutate it)."""
    with (FIXTURES / f"{name}.json").open(encoding="utf-8") as handle:
        report: dict[str, Any] = json.load(handle)
    return report


@pytest.fixture(params=FIXTURE_NAMES + CLASSIFIED_FIXTURES)
def any_report(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each fixture report in turn."""
    return load_fixture(request.param)


@pytest.fixture
def report() -> dict[str, Any]:
    """The richest fixture: trackers, document quotes, safeguards, replaced rules."""
    return load_fixture("deconseille")


@pytest.fixture
def override_report() -> dict[str, Any]:
    """An official stance (à proscrire) over a computed "déconseillé"."""
    return load_fixture("override")


HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(2)>'
HOSTILE_JS = "javascript:alert(3)"


def hostile(report: dict[str, Any]) -> dict[str, Any]:
    """A schema-valid report whose third-party text tries every classic injection."""
    bad = copy.deepcopy(report)
    bad["tool"]["name"] = f"Quiz {HOSTILE_SCRIPT}"
    bad["tool"]["urls"] = [
        HOSTILE_JS,
        f"https://quiz.example/{HOSTILE_IMG}",
        " JavaScript:alert(4)",
    ]
    bad["tool"]["vendor"] = {"name": "<style>body{display:none}</style>Vendor"}
    bad["reasons"][0]["title"] = f'<a href="{HOSTILE_JS}">clic</a>{HOSTILE_IMG}'
    bad["actions"].append(f"{HOSTILE_SCRIPT} [lien]({HOSTILE_JS}) | cellule |")
    finding = bad["findings"][0]
    finding["title"] = f"Titre {HOSTILE_IMG}"
    finding["recommendation"] = f"Recommandation {HOSTILE_SCRIPT}"
    finding["references"] = [
        HOSTILE_JS,
        "jAvAsCrIpT:alert(5)",
        "data:text/html,<script>alert(6)</script>",
    ]
    finding["evidence"] = [
        {
            "type": "document",
            "url": HOSTILE_JS,
            "quote": f"Politique {HOSTILE_SCRIPT} et {HOSTILE_IMG} | `code` *gras*",
        },
        {
            "type": "http",
            "url": f"https://x.example/{HOSTILE_IMG}",
            "warc_record_id": HOSTILE_SCRIPT,
        },
        {"type": "dns", "host": HOSTILE_IMG, "rtype": "A", "answer": HOSTILE_SCRIPT},
    ]
    bad["override"] = {
        "who": HOSTILE_SCRIPT,
        "what": HOSTILE_IMG,
        "source": HOSTILE_JS,
        "date": "<b>date</b>",
        "level": "a-proscrire",
    }
    bad["collection"]["failures"] = [
        {
            "url": "data:text/html,<script>alert(7)</script>",
            "reason": HOSTILE_IMG,
            "detail": HOSTILE_SCRIPT,
        }
    ]
    bad["scope"]["documents_not_read"] = [
        {"url": HOSTILE_JS, "reason": HOSTILE_SCRIPT, "type": HOSTILE_IMG}
    ]
    bad["summary"]["documents"] = [{"url": HOSTILE_JS, "type": HOSTILE_IMG}]
    bad["summary"]["tracker_domains"] = [HOSTILE_SCRIPT]
    return bad


@pytest.fixture
def hostile_report(report: dict[str, Any]) -> dict[str, Any]:
    """The rich fixture, poisoned with injection attempts everywhere text comes from outside."""
    return hostile(report)
