"""Shared, thread-safe state read by the HTTP and DNS servers: sites, records, faults."""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import replace

from tests.testweb.model import DnsFault, DnsRecord, Site, normalize_name

DEFAULT_IP_POOL: tuple[str, ...] = tuple(f"127.0.0.{n}" for n in range(2, 31))


class Registry:
    """Sites by name, explicit DNS records and DNS faults; the servers only read it."""

    def __init__(self, ip_pool: tuple[str, ...] = DEFAULT_IP_POOL) -> None:
        self._lock = threading.RLock()
        self.ip_pool = ip_pool
        self._sites: dict[str, Site] = {}  # every name (host and aliases) -> site
        self._records: list[DnsRecord] = []
        self._faults: dict[str, DnsFault] = {}
        self._rebind_counts: dict[str, int] = {}

    # -- sites ---------------------------------------------------------------------------
    def add_site(self, site: Site) -> Site:
        """Store a copy (with an ip from the pool if none) and return it; later edits of the
        returned site's ``pages`` are live."""
        with self._lock:
            for name in site.names:
                if name in self._sites:
                    raise ValueError(f"a site already serves {name!r}")
            stored = replace(
                site,
                ip=site.ip or self._next_ip(),
                pages=dict(site.pages),
                aliases=list(site.aliases),
            )
            for name in stored.names:
                self._sites[name] = stored
            return stored

    def _next_ip(self) -> str:
        """Lowest unused pool address; when all are used, the least shared one."""
        usage = dict.fromkeys(self.ip_pool, 0)
        for site in self.sites():
            if site.ip in usage:
                usage[site.ip] += 1
        return min(self.ip_pool, key=lambda ip: (usage[ip], ipaddress.IPv4Address(ip)))

    def site_for(self, name: str) -> Site | None:
        with self._lock:
            return self._sites.get(normalize_name(name))

    def sites(self) -> list[Site]:
        """Distinct sites in insertion order."""
        with self._lock:
            seen: dict[int, Site] = {}
            for site in self._sites.values():
                seen.setdefault(id(site), site)
            return list(seen.values())

    # -- DNS -----------------------------------------------------------------------------
    def add_record(self, record: DnsRecord) -> None:
        with self._lock:
            self._records.append(record)

    def set_fault(self, fault: DnsFault) -> None:
        with self._lock:
            self._faults[fault.name] = fault
            self._rebind_counts.pop(fault.name, None)

    def clear_fault(self, name: str) -> None:
        with self._lock:
            self._faults.pop(normalize_name(name), None)

    def fault_for(self, name: str) -> DnsFault | None:
        with self._lock:
            return self._faults.get(normalize_name(name))

    def next_rebind_ip(self, fault: DnsFault) -> str:
        """Count A lookups of a rebinding name and say which address this one gets."""
        assert fault.rebind_ips is not None
        with self._lock:
            count = self._rebind_counts.get(fault.name, 0)
            self._rebind_counts[fault.name] = count + 1
            return fault.rebind_ips[0] if count < fault.rebind_after else fault.rebind_ips[1]

    def records_for(self, name: str) -> list[DnsRecord]:
        """Explicit records of a name, plus the site's automatic A unless overridden.

        An explicit A or CNAME for a name replaces the automatic A record of its site.
        """
        name = normalize_name(name)
        with self._lock:
            explicit = [r for r in self._records if r.name == name]
            site = self._sites.get(name)
            if not explicit and site is None:
                explicit = self._wildcard_records(name)
        if site is not None and site.ip is not None:
            if not any(r.rtype in ("A", "CNAME") for r in explicit):
                explicit.insert(0, DnsRecord(name, "A", site.ip))
        return explicit

    def _wildcard_records(self, name: str) -> list[DnsRecord]:
        """Records of the closest ``*.parent`` name, as a zone with a wildcard would answer."""
        labels = name.split(".")
        for index in range(1, len(labels)):
            wildcard = "*." + ".".join(labels[index:])
            found = [r for r in self._records if r.name == wildcard]
            if found:
                return found
        return []

    def name_exists(self, name: str) -> bool:
        name = normalize_name(name)
        with self._lock:
            if name in self._sites or any(r.name == name for r in self._records):
                return True
            return bool(self._wildcard_records(name))

    def ips_in_use(self) -> set[str]:
        with self._lock:
            return {site.ip for site in self._sites.values() if site.ip is not None}

    def clear(self) -> None:
        with self._lock:
            self._sites.clear()
            self._records.clear()
            self._faults.clear()
            self._rebind_counts.clear()
