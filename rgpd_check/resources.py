"""Locate the built-in rules, knowledge data and catalog.

In a wheel they are package data under ``rgpd_check/builtin/``; in a source checkout
(editable install, tests) they are the top-level ``rules/`` and ``catalog/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def rules_dir() -> Path:
    """Folder of the built-in rule sets (``rules/<family>.yaml``)."""
    return _first_existing(_PACKAGE_DIR / "builtin" / "rules", _SOURCE_ROOT / "rules")


def data_dir() -> Path:
    """Folder of the knowledge the rules and readers use (``rules/data/``)."""
    return rules_dir() / "data"


def data_path(relative: str) -> Path:
    """Path of one knowledge file, e.g. ``data_path("vocabulary/signals.yaml")``."""
    return data_dir() / relative


def catalog_dir() -> Path:
    """Folder of the built-in catalog of tools."""
    return _first_existing(_PACKAGE_DIR / "builtin" / "catalog", _SOURCE_ROOT / "catalog")


def package_file(relative: str) -> Path:
    """A file shipped inside the package itself (schemas, templates, messages)."""
    return _PACKAGE_DIR / relative
