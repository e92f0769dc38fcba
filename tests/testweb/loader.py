"""Load sites, DNS records and DNS faults from YAML files using the dataclass field names.

Accepted shapes: a single site mapping (has ``host``), a list of sites, or a mapping with
``sites``, ``records`` and ``dns_faults`` lists. Binary bodies may use YAML ``!!binary``;
``body_file`` paths are relative to the YAML file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.testweb.model import DnsFault, DnsRecord, Route, Site

SITES_DIR = Path(__file__).parent / "sites"


@dataclass
class SiteFile:
    """Everything declared in one or more YAML files."""

    sites: list[Site] = field(default_factory=list)
    records: list[DnsRecord] = field(default_factory=list)
    faults: list[DnsFault] = field(default_factory=list)

    def extend(self, other: SiteFile) -> None:
        self.sites += other.sites
        self.records += other.records
        self.faults += other.faults


def _build(cls: type[Any], data: Any, where: str, exclude: tuple[str, ...] = ()) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping, got {type(data).__name__}")
    allowed = {f.name for f in dataclasses.fields(cls)} - set(exclude)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    try:
        return cls(**data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from exc


def _route(data: Any, where: str, base: Path) -> Route | str:
    if isinstance(data, str | bytes):
        return data if isinstance(data, str) else Route(body=data)
    route: Route = _build(Route, data, where, exclude=("dynamic",))
    if route.body_file is not None:
        route.body_file = str((base / route.body_file).resolve())
    return route


def _site(data: Any, where: str, base: Path) -> Site:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a site must be a mapping")
    data = dict(data)
    pages = data.pop("pages", None) or {}
    if not isinstance(pages, dict):
        raise ValueError(f"{where}: pages must map paths to routes")
    site: Site = _build(Site, data, where)
    site.pages = {str(p): _route(r, f"{where} page {p}", base) for p, r in pages.items()}
    return site


def load_file(path: Path) -> SiteFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = SiteFile()
    base = path.parent
    if isinstance(data, dict) and "host" in data:
        data = {"sites": [data]}
    elif isinstance(data, list):
        data = {"sites": data}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a site, a list of sites or a mapping with 'sites'")
    unknown = set(data) - {"sites", "records", "dns_faults"}
    if unknown:
        raise ValueError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    for i, item in enumerate(data.get("sites") or []):
        result.sites.append(_site(item, f"{path} site #{i + 1}", base))
    for i, item in enumerate(data.get("records") or []):
        result.records.append(_build(DnsRecord, item, f"{path} record #{i + 1}"))
    for i, item in enumerate(data.get("dns_faults") or []):
        item = dict(item) if isinstance(item, dict) else item
        if isinstance(item, dict) and isinstance(item.get("rebind_ips"), list):
            item["rebind_ips"] = tuple(item["rebind_ips"])
        result.faults.append(_build(DnsFault, item, f"{path} dns fault #{i + 1}"))
    return result


def load(path: Path | str) -> SiteFile:
    """Load one YAML file, or every ``*.yaml``/``*.yml`` of a directory (sorted)."""
    path = Path(path)
    if path.is_dir():
        result = SiteFile()
        for child in sorted([*path.glob("*.yaml"), *path.glob("*.yml")]):
            result.extend(load_file(child))
        return result
    return load_file(path)
