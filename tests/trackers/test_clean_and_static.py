"""No false positive on a clean tool; static mode alone, and what it cannot see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import audit_site
from tests.testweb.web import TestWeb
from tests.trackers.support import (
    CLEAN_SITES,
    FAST_BROWSER,
    FILTER_LIST,
    QUIZ_SITES,
    allowed_networks,
    needs_chromium,
)


def _results(findings: list[object]) -> dict[str, str]:
    return {str(f.rule): str(f.result) for f in findings}  # type: ignore[attr-defined]


@pytest.mark.browser
@needs_chromium
def test_clean_tool_has_no_false_positive(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.load_sites(CLEAN_SITES)
    result = audit_site(testweb, [testweb.url("propre.test", https=True)], tmp_path,
                        browser=True, filter_lists=(FILTER_LIST,), browser_options=FAST_BROWSER,
                        formats=("json",))
    facts = result.facts
    trackers, cookies, browser = facts["trackers"], facts["cookies"], facts["browser"]
    assert trackers["third_party_hosts"] == [] and trackers["known"] == []
    assert trackers["filter_list_matches"] == []  # the list names /matomo.js: first party wins
    assert [(s["product"], s["host"]) for s in trackers["self_hosted_analytics"]] == [
        ("matomo", "stats.propre.test")
    ]
    # Ground truth: the servers got the Matomo beacon, and the jar holds only first-party cookies.
    assert any(r.host == "stats.propre.test" and r.path.startswith("/matomo.php")
               for r in testweb.requests)
    stored = {c["name"]: c for c in cookies["browser_stored"]}
    assert set(stored) == {"PHPSESSID", "_pk_id.1.c3d4"}
    assert not any(c["third_party"] for c in stored.values())
    assert cookies["non_essential_before_consent"] == []
    assert browser["third_party_hosts"] == [] and browser["third_party_storage_origins"] == []
    assert browser["consent_banner"]["detected"] is False
    assert browser["refusal"] == {**browser["refusal"], "clicked": False, "reason": "no_banner"}
    results = _results(result.findings)
    assert results["TRK-017"] == "match"
    for rule in ("TRK-001", "TRK-002", "TRK-003", "TRK-004", "TRK-005", "TRK-006", "TRK-007",
                 "TRK-008", "TRK-015", "TRK-016"):
        assert results[rule] == "no_match", rule


def test_static_mode_sees_the_html_but_not_what_scripts_inject(
    testweb: TestWeb, tmp_path: Path
) -> None:
    testweb.load_sites(QUIZ_SITES)
    result = audit_site(testweb, [testweb.url("quiz-ecole.test", https=True)], tmp_path,
                        net=allowed_networks(testweb), filter_lists=(FILTER_LIST,),
                        formats=("json",))
    facts = result.facts
    assert "browser" not in facts  # not collected: absent, never empty
    assert set(facts["cookies"]) == {"http"}
    assert [c["name"] for c in facts["cookies"]["http"]] == ["sessionid"]
    trackers = facts["trackers"]
    assert trackers["modes"] == ["static"]
    assert trackers["ids"] == ["google_fonts", "google_tag_manager", "gstatic", "hotjar"]
    assert "google_analytics" not in trackers["ids"]  # injected by the tag manager
    assert trackers["filter_list_only_hosts"] == ["collect.beacon-tiers.test"]
    # No browser ran: nothing touched the forbidden address, nothing beyond the HTML.
    assert not [r for r in testweb.requests if r.host.endswith(("hotjar.com", "facebook.com"))]
    results = _results(result.findings)
    assert results["TRK-003"] == "match"  # Hotjar's script tag is in the HTML
    assert results["TRK-001"] == "no_match"  # the ad trackers are only injected
    assert results["TRK-017"] == "no_match"  # Hotjar alone rules the safeguard out
    for rule in ("TRK-002", "TRK-004", "TRK-008", "TRK-015"):
        assert results[rule] == "unknown", rule  # before-consent facts need the browser
