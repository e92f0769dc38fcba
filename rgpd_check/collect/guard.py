"""The private-address guard, applied to every DNS answer and every connection.

A crawler that follows links and redirects from untrusted sites must not be turned into a
probe of the machine's own network (SSRF). Cloud metadata addresses are refused even when the
user allows private ranges, because no audit ever needs them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALWAYS_REFUSED = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


class BlockedAddressError(Exception):
    """Raised when every address of a host is refused by the guard."""

    def __init__(self, host: str, reasons: dict[str, str]) -> None:
        self.host = host
        self.reasons = reasons
        detail = ", ".join(f"{ip} ({why})" for ip, why in reasons.items())
        super().__init__(f"adresse refusée / address refused for {host}: {detail}")


def parse_cidrs(values: Iterable[str]) -> list[IPNetwork]:
    """Parse ``--allow-address`` values; raises ValueError naming the bad one."""
    networks: list[IPNetwork] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"invalid CIDR {value!r}: {exc}") from None
    return networks


def special_reason(ip: IPAddress) -> str | None:
    """Why an address is not a public internet address, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return special_reason(ip.ipv4_mapped)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "cgnat"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return "unique-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    return None


@dataclass(frozen=True)
class AddressGuard:
    """Decides which resolved addresses an audit may connect to."""

    allow_private: bool = False
    allowed: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def refusal(self, address: str) -> str | None:
        """The reason ``address`` is refused, or None when it may be used."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return "not an IP address"
        plain = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
        if plain in ALWAYS_REFUSED:
            return "cloud metadata address"
        reason = special_reason(ip)
        if reason is None:
            return None
        if self.allow_private:
            return None
        if any(plain in net for net in self.allowed if net.version == plain.version):
            return None
        return reason

    def filter(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The allowed addresses, in order; raises BlockedAddressError when none is left."""
        allowed: list[str] = []
        refused: dict[str, str] = {}
        for address in addresses:
            reason = self.refusal(address)
            if reason is None:
                allowed.append(address)
            else:
                refused[address] = reason
        if not allowed:
            raise BlockedAddressError(host, refused)
        return allowed
