"""Resolving dotted paths with '*' against a facts document."""

from __future__ import annotations

from typing import Any

from rgpd_check.facts import Projection, get, resolve


def found(projection: Projection) -> list[tuple[str, Any]]:
    return [(hit.path, hit.value) for hit in projection.found]


DOC = {
    "hosting": {"hosts": [{"host": "a", "ips": [{"country": "FR"}, {"ip": "x"}]},
                          {"host": "b", "ips": []}]},
    "dns": {"hosts": {"a.example": {"a": ["192.0.2.1"]}, "b.example": {}}},
    "security": {"hsts": False},
}


def test_plain_path() -> None:
    projection = resolve(DOC, "security.hsts")
    assert found(projection) == [("security.hsts", False)] and not projection.absent


def test_absent_path() -> None:
    projection = resolve(DOC, "security.https")
    assert projection.found == [] and projection.missing == ["security.https"]
    assert projection.absent


def test_list_projection_keeps_concrete_paths_and_absent_elements() -> None:
    projection = resolve(DOC, "hosting.hosts.*.ips.*.country")
    assert found(projection) == [("hosting.hosts.0.ips.0.country", "FR")]
    assert projection.missing == ["hosting.hosts.0.ips.1.country"]
    assert not projection.absent


def test_map_projection() -> None:
    projection = resolve(DOC, "dns.hosts.*.a")
    # Host names contain dots: shown quoted, while the raw segments stay exact.
    assert found(projection) == [('dns.hosts["a.example"].a', ["192.0.2.1"])]
    assert projection.found[0].parts == ("dns", "hosts", "a.example", "a")
    assert projection.missing == ['dns.hosts["b.example"].a']


def test_empty_projection_is_neither_found_nor_absent() -> None:
    projection = resolve(DOC, "hosting.hosts.1.ips.*.country")
    assert projection.found == [] and projection.missing == [] and not projection.absent


def test_projection_over_absent_container_is_absent() -> None:
    assert resolve({}, "hosting.hosts.*.host").absent


def test_scalar_in_the_way_counts_as_absent() -> None:
    assert resolve(DOC, "security.hsts.value").absent


def test_get() -> None:
    assert get(DOC, "hosting.hosts.1.host") == (True, "b")
    assert get(DOC, "hosting.hosts.5.host") == (False, None)
