"""The private-address guard on its own (pure function tests)."""

from __future__ import annotations

import pytest

from rgpd_check.collect.guard import AddressGuard, BlockedAddressError, parse_cidrs


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "cgnat"),
        ("fd12::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud metadata address"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_special_addresses_are_refused_by_default(address: str, reason: str) -> None:
    assert AddressGuard().refusal(address) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "51.91.236.193", "2001:4860:4860::8888"])
def test_public_addresses_pass(address: str) -> None:
    assert AddressGuard().refusal(address) is None


def test_allow_private_never_allows_metadata() -> None:
    guard = AddressGuard(allow_private=True)
    assert guard.refusal("10.0.0.1") is None
    assert guard.refusal("169.254.169.254") == "cloud metadata address"
    assert guard.refusal("::ffff:169.254.169.254") == "cloud metadata address"


def test_allowed_range_is_exact() -> None:
    guard = AddressGuard(allowed=tuple(parse_cidrs(["127.0.0.2/32"])))
    assert guard.refusal("127.0.0.2") is None
    assert guard.refusal("127.0.0.3") == "loopback"
    assert guard.refusal("169.254.169.254") == "cloud metadata address"


def test_filter_keeps_public_drops_private_and_raises_when_none_left() -> None:
    guard = AddressGuard()
    assert guard.filter("mixed.test", ["10.0.0.1", "8.8.8.8"]) == ["8.8.8.8"]
    with pytest.raises(BlockedAddressError) as info:
        guard.filter("evil.test", ["127.0.0.1", "169.254.169.254"])
    assert info.value.reasons == {
        "127.0.0.1": "loopback",
        "169.254.169.254": "cloud metadata address",
    }


def test_bad_cidr_is_named() -> None:
    with pytest.raises(ValueError, match="10.0.0.0/33"):
        parse_cidrs(["10.0.0.0/33"])
