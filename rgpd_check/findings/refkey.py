"""Deduplication keys for evidence refs, equal exactly when the refs' JSON texts are equal.

Refs used to be deduplicated on ``json.dumps(ref, sort_keys=True, ensure_ascii=False,
default=str)``, which costs an encoding per ref and per document. A ref is almost always a
flat dict of plain strings and integers: its sorted items are then a key with the same
equalities, far cheaper. Anything else takes a canonical form that mirrors the encoder (how
it writes numbers, booleans, subclasses, map keys and unknown objects), so the equalities
stay exactly those of the JSON texts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from itertools import chain
from typing import Any

# Raises what the old key raised (unsortable keys, bad key types, cycles) before any key.
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)
_PLAIN = frozenset({str, int, type(None)})
_STR = frozenset({str})


def ref_key(ref: dict[str, Any]) -> Hashable:
    """A hashable key; ``ref_key(a) == ref_key(b)`` iff the sorted JSON texts are equal.

    The key is flat, ``(key1, value1, key2, value2, …)`` in sorted key order: one object
    per ref (a cache keeps one per ref of a facts document).
    """
    items = sorted(ref.items())  # the encoder's order, and its errors for unsortable keys
    if _STR.issuperset(map(type, ref)) and _PLAIN.issuperset(map(type, ref.values())):
        return tuple(chain.from_iterable(items))
    _KEY_ENCODER.encode(ref)
    flat: list[Any] = []
    for key, value in items:
        flat += (_key_text(key), _canon(value))
    return tuple(flat)


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    """A map key as the encoder writes it (always a JSON string)."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, float):
        return _float_text(key)
    return int.__repr__(key)  # the encoder accepts no other key type (checked before)


def _canon(value: Any) -> Hashable:
    """Plain strings, integers and None stand for themselves; other kinds are tagged."""
    if value is None or value is True or value is False:
        return value if value is None else ("json", "true" if value else "false")
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return ("float", _float_text(value))
    if isinstance(value, list | tuple):
        return ("list", tuple(_canon(item) for item in value))
    if isinstance(value, dict):
        return ("map", tuple((_key_text(k), _canon(v)) for k, v in sorted(value.items())))
    return _canon(str(value))  # what ``default=str`` makes of it
