"""IP → network facts (country, AS), stored as evidence so ``evaluate`` stays offline.

Sources are pluggable (:class:`IpDataSource`). The built-in offline fallback is geoip2fast's
country+ASN file (GeoLite2-derived, with AS names but no AS numbers); its data date is
recorded with every answer so reports can warn when it is old.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from rgpd_check.collect.guard import special_reason

IPDATA_LOG = "ipdata.jsonl"


class IpDataSource(Protocol):
    """Anything that can say where an IP address is announced from."""

    name: str
    data_date: str | None

    def lookup(self, ip: str) -> dict[str, Any] | None:
        """``{"country", "asn", "as_name", "network"}`` (missing keys unknown) or None."""


class Geoip2FastSource:
    """Built-in offline fallback (loaded lazily: about 0.2 s)."""

    name = "geoip2fast"

    def __init__(self) -> None:
        self._db = _geoip2fast()
        info = self._db.get_database_info()
        source_info = str(info.get("source_info", ""))
        stamp = source_info.rsplit("-", 1)[-1]
        self.data_date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() else None
        self.description = source_info

    def lookup(self, ip: str) -> dict[str, Any] | None:
        result = self._db.lookup(ip)
        if result.is_private or result.country_code in ("--", "", None):
            country = None
        else:
            country = str(result.country_code)
        as_name = getattr(result, "asn_name", "") or None
        if country is None and not as_name:
            return None
        return {
            "country": country,
            "asn": None,
            "as_name": as_name,
            "network": getattr(result, "asn_cidr", None) or None,
        }


@cache
def _geoip2fast() -> Any:
    from geoip2fast import GeoIP2Fast

    return GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz", verbose=False)


def build_sources(paths: Any, *, online: bool = False, resolver: Any = None) -> list[IpDataSource]:
    """The sources of one audit, in precedence order: user files, online, built-in fallback."""
    return [Geoip2FastSource()]


async def lookup_all(ips: list[str], sources: list[IpDataSource]) -> list[dict[str, Any]]:
    """One evidence entry per (ip, source); special-use addresses are noted, not looked up."""
    entries: list[dict[str, Any]] = []
    for ip in sorted(set(ips)):
        special = special_reason_of(ip)
        if special:
            entries.append({"ip": ip, "source": "special-use", "special": special, "answer": None})
            continue
        for source in sources:
            entries.append(
                {
                    "ip": ip,
                    "source": source.name,
                    "source_date": source.data_date,
                    "answer": source.lookup(ip),
                }
            )
    return entries


def special_reason_of(ip: str) -> str | None:
    import ipaddress

    try:
        return special_reason(ipaddress.ip_address(ip))
    except ValueError:
        return "invalid"
