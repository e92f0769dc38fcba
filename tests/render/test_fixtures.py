"""The fixture reports honour the published report contract."""

from __future__ import annotations

from typing import Any

import pytest

from rgpd_check.schemas import report_errors
from tests.render.conftest import FIXTURE_NAMES, load_fixture


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_is_a_valid_report(name: str) -> None:
    assert report_errors(load_fixture(name)) == []


def test_fixtures_cover_the_brief() -> None:
    a_verifier, deconseille, override = (load_fixture(n) for n in FIXTURE_NAMES)
    assert a_verifier["level"] == "a-verifier" and a_verifier["collection"]["failures"]
    assert deconseille["level"] == "deconseille"
    assert any(
        f["family"] == "trackers" and f["result"] == "match" for f in deconseille["findings"]
    )
    assert any(e.get("quote") for f in deconseille["findings"] for e in f["evidence"])
    assert override["override"]["level"] == "a-proscrire"
    assert override["computed_level"] == "deconseille"


def test_hostile_report_is_still_valid(hostile_report: dict[str, Any]) -> None:
    """Injection attempts must be handled by the renderers, not rejected by the schema."""
    assert report_errors(hostile_report) == []
