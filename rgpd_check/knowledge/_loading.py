"""Shared reading and validation of the knowledge files in ``rules/data/``.

The files are hand-curated: a typo in a key must fail loudly (with the file and the entry id)
instead of silently dropping a fact that a rule relies on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from rgpd_check.errors import InputError
from rgpd_check.resources import data_path

# The C loader is ~6x faster; fall back when PyYAML was built without libyaml.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


class KnowledgeDataError(InputError, ValueError):
    """A knowledge file is missing, malformed, or an entry breaks the schema."""


def read_yaml(relative: str, path: Path | None = None) -> tuple[Path, Any]:
    """Read one knowledge file (safe loader only) and return its path with the parsed data."""
    source = path if path is not None else data_path(relative)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeDataError(f"{source}: cannot read knowledge file ({exc})") from exc
    try:
        return source, yaml.load(text, Loader=_Loader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as exc:
        raise KnowledgeDataError(f"{source}: invalid YAML ({exc})") from exc
    except (ValueError, RecursionError) as exc:  # e.g. an impossible date: 2026-13-45
        raise KnowledgeDataError(f"{source}: invalid value ({exc})") from None


def where(source: Path, entry_id: object | None) -> str:
    """Prefix of every error message: the file, and the entry when there is one."""
    return f"{source.name}" if entry_id is None else f"{source.name} [{entry_id}]"


def require_mapping(value: Any, source: Path, entry_id: object | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise KnowledgeDataError(f"{where(source, entry_id)}: expected a mapping")
    return value


def require_list(value: Any, source: Path, entry_id: object | None, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise KnowledgeDataError(f"{where(source, entry_id)}: '{key}' must be a list")
    return value


def check_keys(
    entry: Mapping[str, Any],
    source: Path,
    entry_id: object | None,
    required: Iterable[str],
    optional: Iterable[str] = (),
) -> None:
    """Reject unknown keys and missing required ones, naming the file and the entry."""
    required_set = set(required)
    allowed = required_set | set(optional)
    unknown = sorted(str(key) for key in set(entry) - allowed)  # a key may be null or a number
    if unknown:
        raise KnowledgeDataError(f"{where(source, entry_id)}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(required_set - set(entry))
    if missing:
        raise KnowledgeDataError(
            f"{where(source, entry_id)}: missing required key(s) {', '.join(missing)}"
        )


def as_str(value: Any, source: Path, entry_id: object | None, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeDataError(f"{where(source, entry_id)}: '{key}' must be a non-empty string")
    return value


def as_opt_str(value: Any, source: Path, entry_id: object | None, key: str) -> str | None:
    return None if value is None else as_str(value, source, entry_id, key)


def as_bool(value: Any, source: Path, entry_id: object | None, key: str) -> bool:
    if not isinstance(value, bool):
        raise KnowledgeDataError(f"{where(source, entry_id)}: '{key}' must be true or false")
    return value


def as_date(value: Any, source: Path, entry_id: object | None, key: str) -> dt.date | None:
    """YAML turns ``2026-11-29`` into a date already; accept ISO strings too."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise KnowledgeDataError(f"{where(source, entry_id)}: '{key}' must be a YYYY-MM-DD date")


def as_country(value: Any, source: Path, entry_id: object | None, key: str) -> str:
    text = as_str(value, source, entry_id, key)
    if not _COUNTRY_CODE.match(text):
        raise KnowledgeDataError(
            f"{where(source, entry_id)}: '{key}' must be an ISO 3166-1 alpha-2 code, got {text!r}"
        )
    return text


def as_opt_country(value: Any, source: Path, entry_id: object | None, key: str) -> str | None:
    return None if value is None else as_country(value, source, entry_id, key)


def as_str_list(value: Any, source: Path, entry_id: object | None, key: str) -> tuple[str, ...]:
    items = require_list(value, source, entry_id, key)
    return tuple(as_str(item, source, entry_id, key) for item in items)


PROVENANCE_KEYS = ("source", "verified_on", "unverified")


def provenance(
    entry: Mapping[str, Any], source: Path, entry_id: object | None
) -> tuple[str | None, dt.date | None, bool]:
    """Every fact carries a source URL and either a check date or an explicit 'unverified'.

    ``source: null`` is allowed only with ``unverified: true``: when no public source was
    found, saying so beats pointing at a page that does not support the fact.
    """
    if "source" not in entry:
        raise KnowledgeDataError(f"{where(source, entry_id)}: missing 'source'")
    url = as_opt_str(entry.get("source"), source, entry_id, "source")
    if url is not None and not url.startswith(("https://", "http://")):
        raise KnowledgeDataError(f"{where(source, entry_id)}: 'source' must be an http(s) URL")
    verified_on = as_date(entry.get("verified_on"), source, entry_id, "verified_on")
    unverified = as_bool(entry.get("unverified", False), source, entry_id, "unverified")
    if url is None and not unverified:
        raise KnowledgeDataError(
            f"{where(source, entry_id)}: 'source: null' is only allowed with 'unverified: true'"
        )
    if verified_on is None and not unverified:
        raise KnowledgeDataError(
            f"{where(source, entry_id)}: needs 'verified_on' or 'unverified: true'"
        )
    if verified_on is not None and unverified:
        raise KnowledgeDataError(
            f"{where(source, entry_id)}: 'verified_on' and 'unverified: true' contradict"
        )
    return url, verified_on, unverified


def unique_ids(ids: Iterable[str], source: Path) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise KnowledgeDataError(f"{source.name}: duplicate id {entry_id!r}")
        seen.add(entry_id)
