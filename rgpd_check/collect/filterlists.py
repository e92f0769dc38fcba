"""Filter lists given with ``--filter-list``: copied into the bundle with their identity.

Analysis matches requests against the copy in the bundle, so ``evaluate`` gives the same
answer months later and a finding can name the list, its version, its SHA-256 and the rule.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rgpd_check.errors import InputError
from rgpd_check.evidence.bundle import BundleWriter

FILTERLISTS_LOG = "filterlists.jsonl"
_HEADER = re.compile(r"^!\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(.+?)\s*$")
_HEADER_KEYS = {
    "title": "title",
    "version": "version",
    "last modified": "last_modified",
    "license": "license",
    "licence": "license",
    "homepage": "homepage",
    "expires": "expires",
}


@dataclass(frozen=True)
class FilterList:
    """A list read from disk: its text and what its header says about it."""

    name: str
    raw: bytes
    text: str
    sha256: str
    meta: dict[str, str]
    rules: int


def read_filter_list(path: Path) -> FilterList:
    """Read and check one list; raises InputError (exit 2) before any request is made."""
    if importlib.util.find_spec("adblock") is None:
        raise InputError(
            "--filter-list demande le paquet Python « adblock » / needs the 'adblock' package"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: liste de filtres illisible / unreadable filter list: {exc}"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: liste de filtres non UTF-8 / filter list is not UTF-8") from None
    meta: dict[str, str] = {}
    rules = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("["):
            continue
        if stripped.startswith("!"):
            match = _HEADER.match(stripped)
            if match and match.group(1).lower() in _HEADER_KEYS:
                meta.setdefault(_HEADER_KEYS[match.group(1).lower()], match.group(2))
            continue
        rules += 1
    if rules == 0:
        raise InputError(f"{path}: aucune règle dans la liste / no rule in the filter list")
    return FilterList(
        name=path.name,
        raw=raw,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        meta=meta,
        rules=rules,
    )


def store_filter_lists(bundle: BundleWriter, lists: Sequence[FilterList]) -> list[dict[str, Any]]:
    """Copy each list under ``files/`` and describe it in ``filterlists.jsonl``."""
    if not lists:
        return []
    log = bundle.log(FILTERLISTS_LOG)
    stored = []
    for index, filter_list in enumerate(lists, start=1):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", filter_list.name)
        file_name = f"filterlist-{index}-{safe}"
        bundle.add_file(file_name, filter_list.raw)  # as given: its SHA-256 stays checkable
        entry = {
            "name": filter_list.name,
            "file": f"files/{file_name}",
            "sha256": filter_list.sha256,
            "rules": filter_list.rules,
            **filter_list.meta,
        }
        log.write(entry)
        stored.append(entry)
    return stored
