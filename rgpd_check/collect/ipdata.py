"""IP → network facts (AS, country), stored as evidence so ``evaluate`` stays offline.

Sources are pluggable and ranked; every answer of every source is kept, and the analysis takes
each field from the best-ranked source that gave it (``analyze/hosting.py``):

1. user files, ``--ip-data FILE`` in the order given: iptoasn.com's ``ip2asn-combined.tsv``
   (plain or ``.gz``) or MaxMind-format ``.mmdb`` (GeoLite2-ASN/Country, DB-IP…);
2. online (``--ip-online``, off by default): Team Cymru's DNS origin lookups, asked through
   the audit's own resolver (so every question is in ``dns.jsonl`` and obeys ``--dns-server``).
   Off by default because Team Cymru asks to be told before software uses the service
   (https://team-cymru.com/community-services/ip-asn-mapping), and the built-in data answers
   without it;
3. built-in: geoip2fast's GeoLite2-derived country + AS-name file, so the tool answers with no
   configuration and no network. It has AS names but no AS numbers, and it never answers for
   special-use addresses (loopback, private…), which user files and the online source may map.

Country *basis* matters: iptoasn and Team Cymru give the country an AS or prefix is registered
in (``registration``), not where a server is; MaxMind country data and geoip2fast geolocate
(``geolocation``). Each answer says which.

The ``ipdata.jsonl`` log holds one ``{"type": "source"}`` line per source (name, kind, rank,
data date, file hash…) then one ``{"type": "answer"}`` line per (address, source).
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import gzip
import hashlib
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from rgpd_check.collect.guard import special_reason
from rgpd_check.errors import InputError

IPDATA_LOG = "ipdata.jsonl"
CYMRU_ORIGIN = "origin.asn.cymru.com"
CYMRU_ORIGIN6 = "origin6.asn.cymru.com"
CYMRU_ASN = "asn.cymru.com"
BUILTIN_FILE = "geoip2fast-asn-ipv6.dat.gz"
LOOKUP_CONCURRENCY = 16
# ``check_ip_data_files`` reads this many data lines: enough to reject a wrong file at once
# without parsing a 500,000-line database twice (a later bad line is recorded, not fatal).
CHECKED_LINES = 1000
# After this many resolver failures in a row the online source stops asking (no network: one
# timeout per address would stall the audit for nothing).
ONLINE_MAX_FAILURES = 2

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class IpDataSource(Protocol):
    """Anything that can say which network announces an address, and from where."""

    name: str
    kind: str  # "file", "online" or "builtin"

    def describe(self) -> dict[str, Any]:
        """The source line of ``ipdata.jsonl`` (without ``type`` and ``rank``)."""

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        """``{"asn", "as_name", "country", "country_basis", "network", …}`` or None."""


def _answer(
    *,
    asn: int | None = None,
    as_name: str | None = None,
    country: str | None = None,
    basis: str | None = None,
    network: str | None = None,
    **extra: Any,
) -> dict[str, Any] | None:
    country = country.upper() if country and len(country) == 2 and country.isalpha() else None
    if asn is None and not as_name and country is None:
        return None
    answer: dict[str, Any] = {
        "asn": asn,
        "as_name": as_name or None,
        "country": country,
        "country_basis": basis if country else None,
        "network": network,
    }
    answer.update({k: v for k, v in extra.items() if v is not None})
    return answer


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mtime_date(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()


# -- user files ------------------------------------------------------------------------------


@dataclass
class _Ranges:
    """Sorted inclusive ranges of one IP version; lookups by bisection."""

    starts: list[int] = field(default_factory=list)
    rows: list[tuple[int, int, int, str | None, str]] = field(default_factory=list)

    def find(self, value: int) -> tuple[int, int, int, str | None, str] | None:
        index = bisect.bisect_right(self.starts, value) - 1
        if index < 0:
            return None
        row = self.rows[index]
        return row if row[0] <= value <= row[1] else None


class Ip2AsnTsvSource:
    """iptoasn.com's TSV: range_start, range_end, AS_number, country_code, AS_description.

    The country is that of the AS's registration (iptoasn takes it from the registries), so
    answers carry ``country_basis: registration``. ``AS_number`` 0 ("Not routed") is no answer.
    The data date is the file's modification date: the format carries none.
    """

    kind = "file"
    format = "ip2asn-tsv"

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self.name = name or f"file:{path.name}"
        self._tables: dict[int, _Ranges] | None = None
        self.rows = 0

    def describe(self) -> dict[str, Any]:
        self._load_tables()
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "file": self.path.name,
            "sha256": _file_digest(self.path),
            "data_date": _mtime_date(self.path),
            "data_date_basis": "file_mtime",
            "country_basis": "registration",
            "rows": self.rows,
        }

    def _load_tables(self) -> dict[int, _Ranges]:
        if self._tables is None:
            self._tables = _read_tsv(self.path)
            self.rows = sum(len(t.rows) for t in self._tables.values())
        return self._tables

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        address = ipaddress.ip_address(ip)
        row = self._load_tables()[address.version].find(int(address))
        if row is None:
            return None
        start, end, asn, country, description = row
        first = (
            ipaddress.ip_address(start) if address.version == 4 else ipaddress.IPv6Address(start)
        )
        last = ipaddress.ip_address(end) if address.version == 4 else ipaddress.IPv6Address(end)
        return _answer(
            asn=asn or None,
            as_name=description,
            country=country,
            basis="registration",
            network=f"{first}-{last}",
        )


def _open_text(path: Path) -> Any:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def _read_tsv(path: Path, limit: int | None = None) -> dict[int, _Ranges]:
    """Parse the file (``limit`` data lines at most); inet_pton keeps 500k lines to seconds."""
    rows: dict[int, list[tuple[int, int, int, str | None, str]]] = {4: [], 6: []}
    seen = 0
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            seen += 1
            if limit is not None and seen > limit:
                break
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                raise InputError(
                    f"{path.name}:{number}: ligne ip2asn invalide / invalid ip2asn line"
                    " (attendu / expected 5 tab-separated fields)"
                )
            try:
                version, start = _ip_int(parts[0].strip())
                end_version, end = _ip_int(parts[1].strip())
                asn = int(parts[2].strip() or 0)
            except ValueError as exc:
                raise InputError(f"{path.name}:{number}: {exc}") from None
            if version != end_version or end < start:
                raise InputError(f"{path.name}:{number}: plage invalide / invalid range")
            description = parts[4].strip()
            if asn == 0 and description.lower() in ("not routed", "none", ""):
                continue
            code = parts[3].strip()
            country = code if len(code) == 2 and code.isalpha() and code != "ZZ" else None
            rows[version].append((start, end, asn, country, description))
    tables: dict[int, _Ranges] = {}
    for version, found in rows.items():
        found.sort()
        tables[version] = _Ranges([r[0] for r in found], found)
    return tables


def _ip_int(text: str) -> tuple[int, int]:
    """(version, integer) of an address; ValueError with a readable message otherwise."""
    try:
        if ":" in text:
            return 6, int.from_bytes(socket.inet_pton(socket.AF_INET6, text), "big")
        return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
    except OSError:
        raise ValueError(f"{text!r} does not appear to be an IP address") from None


class MmdbSource:
    """A MaxMind-format database (GeoLite2-ASN/-Country/-City, DB-IP lite, ipinfo…).

    ASN databases give the AS; country databases geolocate. The data date is the database's
    build date (``build_epoch`` in its metadata).
    """

    kind = "file"
    format = "mmdb"

    def __init__(self, path: Path, name: str | None = None) -> None:
        import maxminddb

        self.path = path
        self.name = name or f"file:{path.name}"
        try:
            self._reader = maxminddb.open_database(str(path), maxminddb.MODE_MEMORY)
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
            raise InputError(
                f"{path.name}: base .mmdb illisible / unreadable .mmdb: {exc}"
            ) from None
        meta = self._reader.metadata()
        self.database_type = str(meta.database_type)
        self.data_date = dt.datetime.fromtimestamp(int(meta.build_epoch), dt.UTC).date().isoformat()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "file": self.path.name,
            "sha256": _file_digest(self.path),
            "data_date": self.data_date,
            "data_date_basis": "mmdb_build_epoch",
            "description": self.database_type,
            "country_basis": "geolocation",
        }

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        try:
            record, prefix = self._reader.get_with_prefix_len(ip)
        except ValueError:  # an IPv6 address in an IPv4-only database
            return None
        if not isinstance(record, dict):
            return None
        network = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
        return _answer(
            asn=_mmdb_asn(record),
            as_name=_first_text(record, "autonomous_system_organization", "as_name", "asn_name"),
            country=_mmdb_country(record),
            basis="geolocation",
            network=network,
        )


def _first_text(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _mmdb_asn(record: dict[str, Any]) -> int | None:
    for key in ("autonomous_system_number", "asn"):
        value = record.get(key)
        if isinstance(value, int) and value > 0:
            return value
        if isinstance(value, str) and value.upper().removeprefix("AS").isdigit():
            return int(value.upper().removeprefix("AS"))
    return None


def _mmdb_country(record: dict[str, Any]) -> str | None:
    for key in ("country", "registered_country"):
        value = record.get(key)
        if isinstance(value, dict) and isinstance(value.get("iso_code"), str):
            return str(value["iso_code"])
        if isinstance(value, str):
            return value
    code = record.get("country_code")
    return code if isinstance(code, str) else None


def open_file_source(path: Path, name: str | None = None) -> IpDataSource:
    """The right reader for ``path`` (by content: MaxMind metadata marker, else TSV)."""
    if not path.is_file():
        raise InputError(f"{path}: fichier introuvable / file not found")
    with path.open("rb") as handle:
        head = handle.read(4096)
    size = path.stat().st_size
    if path.suffix.lower() == ".mmdb" or _has_mmdb_marker(path, size):
        return MmdbSource(path, name)
    if b"\x00" in head and not head.startswith(b"\x1f\x8b"):
        raise InputError(f"{path.name}: format inconnu / unknown IP data format")
    return Ip2AsnTsvSource(path, name)


def _has_mmdb_marker(path: Path, size: int) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, size - 128 * 1024))
        return b"\xab\xcd\xefMaxMind.com" in handle.read()


def check_ip_data_files(paths: Sequence[Path]) -> None:
    """Fail early (exit 2, one line) on a file that cannot be read, before any request."""
    for path in paths:
        source = open_file_source(Path(path))
        if isinstance(source, Ip2AsnTsvSource):
            head = _read_tsv(source.path, limit=CHECKED_LINES)
            if not any(table.rows for table in head.values()):
                raise InputError(f"{path}: aucune plage d'adresses / no address range")


# -- online ----------------------------------------------------------------------------------


class CymruDnsSource:
    """Team Cymru's IP-to-ASN mapping over DNS TXT, through the audit's resolver.

    ``<reversed ip>.origin.asn.cymru.com`` → "ASN | prefix | CC | registry | allocated";
    ``AS<n>.asn.cymru.com`` → "ASN | CC | registry | allocated | AS name". The country is the
    registry's (Team Cymru warns it is not a geolocation). Answers are as of the audit day.
    """

    kind = "online"
    format = "cymru-dns"
    name = "online:team-cymru"

    def __init__(self, resolver: Any) -> None:
        self.resolver = resolver
        self.failures = 0
        self.disabled_reason: str | None = None
        self.data_date = dt.datetime.now(dt.UTC).date().isoformat()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "data_date": self.data_date,
            "data_date_basis": "lookup_date",
            "description": "Team Cymru IP to ASN mapping (DNS)",
            "country_basis": "registration",
            "resolver": str(getattr(self.resolver, "description", "")),
        }

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        if self.disabled_reason is not None:
            return None
        origin = await self._txt(cymru_origin_name(ip))
        if not origin:
            return None
        parts = [p.strip() for p in origin.split("|")]
        numbers = [int(n) for n in parts[0].split() if n.isdigit()]
        if not numbers:
            return None
        as_name = None
        described = await self._txt(f"AS{numbers[0]}.{CYMRU_ASN}")
        if described:
            fields = [p.strip() for p in described.split("|")]
            as_name = fields[4] if len(fields) > 4 else None
        return _answer(
            asn=numbers[0],
            as_name=as_name,
            country=parts[2] if len(parts) > 2 else None,
            basis="registration",
            network=parts[1] if len(parts) > 1 else None,
            registry=parts[3] if len(parts) > 3 and parts[3] else None,
            other_asns=numbers[1:] or None,
        )

    async def _txt(self, name: str) -> str | None:
        answer = await self.resolver.query(name, "TXT")
        if answer.status in ("timeout", "servfail", "error"):
            self.failures += 1
            if self.failures >= ONLINE_MAX_FAILURES:
                self.disabled_reason = f"resolver {answer.status}"
            return None
        self.failures = 0
        if not answer.ok or not answer.records:
            return None
        return str(answer.records[0])


def cymru_origin_name(ip: str) -> str:
    """``1.2.3.4`` → ``4.3.2.1.origin.asn.cymru.com``; IPv6 by nibbles under origin6."""
    address = ipaddress.ip_address(ip)
    if address.version == 4:
        return ".".join(reversed(str(address).split("."))) + f".{CYMRU_ORIGIN}"
    nibbles = address.exploded.replace(":", "")
    return ".".join(reversed(nibbles)) + f".{CYMRU_ORIGIN6}"


# -- built-in --------------------------------------------------------------------------------


@cache
def builtin_source() -> Geoip2FastSource:
    """The built-in source, set up once per process (its database stays loaded anyway)."""
    return Geoip2FastSource()


class Geoip2FastSource:
    """Built-in offline fallback (geoip2fast's GeoLite2 country + AS-name file, ~0.5 s to load)."""

    kind = "builtin"
    format = "geoip2fast"
    name = "builtin:geoip2fast"

    def __init__(self) -> None:
        self._db = _geoip2fast()
        info = self._db.get_database_info()
        source_info = str(info.get("source_info", ""))
        stamp = source_info.rsplit("-", 1)[-1]
        self.data_date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() else None
        self.description = source_info

    def describe(self) -> dict[str, Any]:
        from importlib.metadata import PackageNotFoundError, version

        try:
            package = f"geoip2fast {version('geoip2fast')}"
        except PackageNotFoundError:
            package = "geoip2fast"
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "file": BUILTIN_FILE,
            "data_date": self.data_date,
            "data_date_basis": "database_info",
            "description": f"{self.description} ({package})",
            "country_basis": "geolocation",
        }

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        if special_reason_of(ip):
            return None  # the built-in never speaks for loopback, private… addresses
        result = self._db.lookup(ip)
        country = None
        if not result.is_private and result.country_code not in ("--", "", None):
            country = str(result.country_code)
        return _answer(
            as_name=getattr(result, "asn_name", "") or None,
            country=country,
            basis="geolocation",
            network=getattr(result, "asn_cidr", None) or getattr(result, "cidr", None) or None,
        )


@cache
def _geoip2fast() -> Any:
    from geoip2fast import GeoIP2Fast

    return GeoIP2Fast(geoip2fast_data_file=BUILTIN_FILE, verbose=False)


@dataclass
class _BrokenSource:
    """A source that could not be opened: listed with its error, answers nothing."""

    name: str
    kind: str
    error: str
    format: str = ""

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "format": self.format, "error": self.error}

    async def lookup(self, ip: str) -> dict[str, Any] | None:
        return None


# -- assembly --------------------------------------------------------------------------------


def build_sources(
    paths: Iterable[Path] = (), *, online: bool = False, resolver: Any = None, builtin: bool = True
) -> list[IpDataSource]:
    """The sources of one audit, in precedence order: user files, online, built-in fallback."""
    sources: list[IpDataSource] = []
    names: set[str] = set()
    for path in paths:
        path = Path(path)
        name = f"file:{path.name}"
        if name in names:
            name = f"{name}#{len(sources) + 1}"
        names.add(name)
        try:
            sources.append(open_file_source(path, name))
        except InputError as exc:
            sources.append(_BrokenSource(name, "file", str(exc)))
    if online and resolver is not None:
        sources.append(CymruDnsSource(resolver))
    if builtin:
        try:
            sources.append(builtin_source())
        except Exception as exc:  # noqa: BLE001 - a missing data file is recorded, not fatal
            sources.append(_BrokenSource("builtin:geoip2fast", "builtin", repr(exc)[:300]))
    return sources


async def lookup_all(ips: Iterable[str], sources: list[IpDataSource]) -> list[dict[str, Any]]:
    """Source lines, then one answer line per (address, source), in a stable order."""
    entries: list[dict[str, Any]] = []
    for rank, source in enumerate(sources, 1):
        try:
            described = source.describe()
        except Exception as exc:  # noqa: BLE001 - a file that breaks while read is recorded
            described = {"name": source.name, "kind": source.kind, "error": repr(exc)[:300]}
        entries.append({"type": "source", "rank": rank, **described})
    broken = {e["name"] for e in entries if e.get("error")}
    semaphore = asyncio.Semaphore(LOOKUP_CONCURRENCY)

    async def one(ip: str) -> list[dict[str, Any]]:
        special = special_reason_of(ip)
        found: list[dict[str, Any]] = []
        async with semaphore:
            for rank, source in enumerate(sources, 1):
                if source.name in broken:
                    continue
                entry: dict[str, Any] = {
                    "type": "answer",
                    "ip": ip,
                    "source": source.name,
                    "rank": rank,
                    "answer": None,
                }
                if special:
                    entry["special"] = special
                try:
                    entry["answer"] = await source.lookup(ip)
                except Exception as exc:  # noqa: BLE001 - one bad lookup is recorded, not fatal
                    entry["detail"] = f"{type(exc).__name__}: {exc}"[:300]
                found.append(entry)
        return found

    addresses = sorted({ip for ip in ips if _valid(ip)}, key=_address_key)
    for batch in await asyncio.gather(*(one(ip) for ip in addresses)):
        entries.extend(batch)
    for source in sources:
        reason = getattr(source, "disabled_reason", None)
        if reason:
            entries.append({"type": "note", "source": source.name, "detail": f"stopped: {reason}"})
    return entries


async def survey_mail_hosts(resolver: Any, domains: Iterable[str]) -> list[str]:
    """A and AAAA of every MX exchange of ``domains`` (asked once; answers are recorded)."""
    exchanges: set[str] = set()
    for domain in sorted(set(domains)):
        answer = await resolver.query(domain, "MX")
        for record in answer.records if answer.ok else ():
            host = str(record).split()[-1].rstrip(".").lower()
            if host and host != ".":
                exchanges.add(host)
    await asyncio.gather(
        *(resolver.query(host, rtype) for host in sorted(exchanges) for rtype in ("A", "AAAA"))
    )
    return sorted(exchanges)


def special_reason_of(ip: str) -> str | None:
    """Why ``ip`` is not a public address (loopback, private…), or None."""
    try:
        return special_reason(ipaddress.ip_address(ip))
    except ValueError:
        return "invalid"


def _valid(ip: str) -> bool:
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return False
    return True


def _address_key(ip: str) -> tuple[int, int]:
    address = ipaddress.ip_address(ip)
    return address.version, int(address)
