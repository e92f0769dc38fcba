"""A cited map without its evidence, capped: encoded only as far as the cap needs.

A cited value is stripped of ``evidence``/``quotes`` then capped at ``limit`` JSON characters:
a map longer than that is shown as the first ``limit`` characters of its JSON text. A
document item is a few kilobytes of signals, so stripping and encoding all of it to keep
its first thousand characters was most of the cost of citing ``documents.items.*``. Here the
JSON text is written as the encoder would write it and stops once past the cap: maps and
lists entry by entry, scalars and what lies deeper encoded by the encoder itself, so the
text is the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# What ``json.dumps(..., ensure_ascii=False, default=str)`` builds on every call, built once.
VALUE_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_encode_str: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
STRIPPED = ("evidence", "quotes")
_CONTAINERS = (dict, list)

# A map holding a map of this many entries is written as far as the cap needs (see
# ``capped_map``); maps and lists are written entry by entry down to ``STREAMED_LEVELS``.
LARGE = 16
STREAMED_LEVELS = 4
_SHORT = 16
_SCALARS = frozenset({str, int, float, bool, type(None)})


def encode(value: Any) -> str:
    """``VALUE_ENCODER.encode(value)``, calling the C encoder as that method does.

    ``JSONEncoder.encode`` spends as long in its Python layers as the C encoder spends on
    a small value; cited values are encoded a few hundred times per facts document.
    """
    if isinstance(value, str):
        return _encode_str(value)
    if _make_encoder is None:
        return VALUE_ENCODER.encode(value)
    # The arguments ``JSONEncoder.iterencode`` passes for VALUE_ENCODER's settings.
    chunks = _make_encoder({}, str, _encode_str, None, ": ", ", ", False, False, True)(value, 0)
    return "".join(chunks)


def strip(value: Any) -> Any:
    """A cited value without its evidence and quotes (they are listed as refs)."""
    if isinstance(value, dict):
        return {
            k: strip(v) if isinstance(v, _CONTAINERS) else v
            for k, v in value.items()
            if k not in STRIPPED
        }
    if isinstance(value, list):
        if _SCALARS.issuperset(map(type, value)):  # no container: the items as they are
            return list(value)
        return [strip(item) if isinstance(item, _CONTAINERS) else item for item in value]
    return value


class _Full(Exception):
    """The text written so far is already longer than the cap."""


class _Unusual(Exception):
    """A map key the encoder converts (not a string): the caller takes the plain path."""


def _text(value: Any) -> str:
    """The JSON text of ``strip(value)``, in one piece."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return encode(strip(value))


def _write(value: Any, parts: list[str], size: int, limit: int, level: int) -> int:
    """Appends the JSON text of ``strip(value)`` (an exact map or list) to ``parts``.

    Returns the new total size; raises ``_Full`` once it is past the cap (the text so far
    is then a prefix of the whole text, longer than the cap). Strings and short lists of
    plain values are written in one piece, maps and lists down to ``STREAMED_LEVELS``
    entry by entry, deeper ones whole.
    """
    nested = level + 1 < STREAMED_LEVELS
    if type(value) is dict:
        separator = "{"
        for key, item in value.items():
            if key in STRIPPED:
                continue
            if type(key) is not str:
                raise _Unusual
            kind = type(item)
            if kind is str:
                text = f"{separator}{_encode_str(key)}: {_encode_str(item)}"
            elif nested and (kind is dict or (kind is list and not _plain(item))):
                head = f"{separator}{_encode_str(key)}: "
                parts.append(head)
                size = _write(item, parts, size + len(head), limit, level + 1)
                separator = ", "
                continue
            else:
                text = f"{separator}{_encode_str(key)}: {_text(item)}"
            parts.append(text)
            size += len(text)
            if size > limit:
                raise _Full
            separator = ", "
        closing = "{}" if separator == "{" else "}"
    else:
        separator = "["
        for item in value:
            kind = type(item)
            if kind is str:
                text = separator + _encode_str(item)
            elif nested and (kind is dict or (kind is list and not _plain(item))):
                parts.append(separator)
                size = _write(item, parts, size + len(separator), limit, level + 1)
                separator = ", "
                continue
            else:
                text = separator + _text(item)
            parts.append(text)
            size += len(text)
            if size > limit:
                raise _Full
            separator = ", "
        closing = "[]" if separator == "[" else "]"
    parts.append(closing)
    size += len(closing)
    if size > limit:
        raise _Full
    return size


def _plain(items: list[Any]) -> bool:
    """A short list of plain values: encoded in one piece (``strip`` keeps it as it is)."""
    return len(items) <= _SHORT and _SCALARS.issuperset(map(type, items))


def capped_map(value: dict[Any, Any], limit: int) -> tuple[bool, Any]:
    """``(True, capped)`` as ``cap_value(strip(value), limit)`` gives it; ``(False, None)``
    when the value is unusual (the caller then takes the plain path)."""
    parts: list[str] = []
    try:
        _write(value, parts, 0, limit, 0)
    except _Full:
        return True, "".join(parts)[:limit] + "…"
    except _Unusual:
        return False, None
    return True, strip(value)
