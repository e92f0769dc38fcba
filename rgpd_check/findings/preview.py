"""A cited map without its evidence, capped: encoded only as far as the cap needs.

A cited value is stripped of ``evidence``/``quotes`` then capped at ``limit`` JSON characters:
a map longer than that is shown as the first ``limit`` characters of its JSON text. A
document item is a few kilobytes of signals, so stripping and encoding all of it to keep
its first thousand characters was most of the cost of citing ``documents.items.*``. Here the
JSON text is written as the encoder would write it and stops once past the cap; plain data
(maps with string keys, lists) is written piece by piece down to ``STREAMED_LEVELS``,
anything else is handed to the encoder whole, so the text is the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# What ``json.dumps(..., ensure_ascii=False, default=str)`` builds on every call, built once.
VALUE_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_encode_str: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
STRIPPED = ("evidence", "quotes")


def strip(value: Any) -> Any:
    """A cited value without its evidence and quotes (they are listed as refs)."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in STRIPPED}
    if isinstance(value, list):
        return [strip(item) for item in value]
    return value


class _Full(Exception):
    """The text written so far is already longer than the cap."""


class _Unusual(Exception):
    """A map key the encoder converts (not a string): the caller takes the plain path."""


# Maps and lists this deep or deeper are stripped and encoded whole (small, and the encoder
# is fast); the levels above are written entry by entry so that writing can stop early.
STREAMED_LEVELS = 4


def _text(value: Any) -> str:
    """The JSON text of ``strip(value)``, in one piece."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    return VALUE_ENCODER.encode(strip(value))


def _write(
    value: dict[Any, Any] | list[Any], parts: list[str], size: int, limit: int, level: int
) -> int:
    """Appends the JSON text of ``strip(value)`` (an exact map or list) to ``parts``.

    Returns the new total size; raises ``_Full`` once it is past the cap (the text so far
    is then a prefix of the whole text, longer than the cap).
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
            if nested and (kind is dict or kind is list):
                head = f"{separator}{_encode_str(key)}: "
                parts.append(head)
                size = _write(item, parts, size + len(head), limit, level + 1)
            else:
                text = _encode_str(item) if kind is str else _text(item)
                text = f"{separator}{_encode_str(key)}: {text}"
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
            if nested and (kind is dict or kind is list):
                parts.append(separator)
                size = _write(item, parts, size + len(separator), limit, level + 1)
            else:
                text = _encode_str(item) if kind is str else _text(item)
                text = f"{separator}{text}"
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
