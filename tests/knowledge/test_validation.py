"""Broken knowledge files fail loudly, naming the file and the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rgpd_check.knowledge import KnowledgeDataError, read_providers, read_trackers
from rgpd_check.knowledge.trackers import parse_trackers


def _tracker(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "demo",
        "name": "Demo",
        "domains": ["demo.example"],
        "owner": "Demo Inc.",
        "owner_country": "US",
        "category": "analytics",
        "advertising": False,
        "session_replay": False,
        "receives_ip": True,
        "consent_platform": False,
        "source": "https://example.org/demo",
        "verified_on": "2026-11-29",
    }
    entry.update(overrides)
    return entry


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_valid_minimal_file(tmp_path: Path) -> None:
    index = read_trackers(
        _write(tmp_path, "trackers.yaml", {"schema_version": 1, "trackers": [_tracker()]})
    )
    assert len(index) == 1
    assert index.match_host("cdn.demo.example") is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "blue"}, "unknown key(s) colour"),
        ({"category": "spyware"}, "unknown category"),
        ({"domains": ["https://demo.example/x"]}, "not a valid hostname"),
        ({"source": "ftp://example.org"}, "http(s) URL"),
        ({"verified_on": None}, "needs 'verified_on' or 'unverified: true'"),
        ({"source": None}, "only allowed with 'unverified: true'"),
        ({"verified_on": "29/11/2026"}, "YYYY-MM-DD"),
        ({"owner_country": "USA"}, "ISO 3166-1"),
        ({"reject_selectors": ["#no"]}, "reject_selectors need consent_platform"),
        ({"advertising": "yes"}, "'advertising' must be true or false"),
    ],
)
def test_bad_entry_names_file_and_id(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(KnowledgeDataError) as info:
        parse_trackers(
            {"schema_version": 1, "trackers": [_tracker(**overrides)]}, Path("trackers.yaml")
        )
    text = str(info.value)
    assert "trackers.yaml" in text and "demo" in text
    assert message in text


def test_missing_required_key() -> None:
    entry = _tracker()
    del entry["owner"]
    with pytest.raises(
        KnowledgeDataError, match=r"trackers\.yaml \[demo\]: missing required key\(s\) owner"
    ):
        parse_trackers({"schema_version": 1, "trackers": [entry]}, Path("trackers.yaml"))


def test_duplicates_rejected() -> None:
    with pytest.raises(KnowledgeDataError, match="duplicate id"):
        parse_trackers({"schema_version": 1, "trackers": [_tracker(), _tracker()]}, Path("t.yaml"))
    with pytest.raises(KnowledgeDataError, match="listed for 'demo' and 'other'"):
        parse_trackers(
            {"schema_version": 1, "trackers": [_tracker(), _tracker(id="other")]}, Path("t.yaml")
        )


def test_unverified_without_source_is_allowed() -> None:
    index = parse_trackers(
        {
            "schema_version": 1,
            "trackers": [_tracker(source=None, verified_on=None, unverified=True)],
        },
        Path("t.yaml"),
    )
    tracker = index.get("demo")
    assert tracker is not None and tracker.unverified and tracker.source is None


def test_provider_errors(tmp_path: Path) -> None:
    good = {
        "id": "demo_host",
        "name": "Demo Host",
        "asns": [64496],
        "as_name_patterns": ["(?i)demo"],
        "legal_seat": "FR",
        "parent": None,
        "parent_country": None,
        "non_eu_law_exposure": False,
        "cdn": False,
        "secnumcloud": False,
        "source": "https://example.org/demo",
        "verified_on": "2026-11-29",
    }
    index = read_providers(
        _write(tmp_path, "providers.yaml", {"schema_version": 1, "providers": [good]})
    )
    assert index.by_asn(64496) is not None
    assert index.by_as_name("DEMO HOST SAS") is not None
    bad = dict(good, as_name_patterns=["(unclosed"])
    path = _write(tmp_path, "providers.yaml", {"schema_version": 1, "providers": [bad]})
    with pytest.raises(
        KnowledgeDataError, match=r"providers\.yaml \[demo_host\]: bad as_name_pattern"
    ):
        read_providers(path)
    bad = dict(good, asns=["AS64496"])
    path = _write(tmp_path, "providers.yaml", {"schema_version": 1, "providers": [bad]})
    with pytest.raises(KnowledgeDataError, match="positive integers"):
        read_providers(path)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeDataError, match="cannot read"):
        read_trackers(tmp_path / "missing.yaml")
    broken = tmp_path / "trackers.yaml"
    broken.write_text("trackers: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match="invalid YAML"):
        read_trackers(broken)
