"""Split a catalog across CI runners: ``--shard K/N`` (1-based, like GitLab's CI_NODE_INDEX).

Tools are sorted by id and dealt round-robin, so shards differ in size by at most one, the
split depends only on the set of ids (never on file order or the machine), and the report
folders of all shards merge by plain copying (one folder per tool id).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from rgpd_check.errors import InputError

T = TypeVar("T")
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(value: str | None, env: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """``"2/5"`` → (2, 5); without a value, GitLab's ``CI_NODE_INDEX``/``CI_NODE_TOTAL``."""
    env = os.environ if env is None else env
    if not value and env.get("CI_NODE_INDEX") and env.get("CI_NODE_TOTAL"):
        value = f"{env['CI_NODE_INDEX']}/{env['CI_NODE_TOTAL']}"
    if not value:
        return None
    match = _SHARD.match(value)
    if match is None:
        raise InputError(f"--shard : attendu / expected K/N (e.g. 2/5), got {value!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise InputError(
            f"--shard : K doit être entre 1 et N / K must be within 1..N, got {value!r}"
        )
    return index, total


def shard_items(items: Sequence[T], ids: Sequence[str], index: int, total: int) -> list[T]:
    """The items of shard ``index`` (1-based) out of ``total``, by sorted id."""
    order = sorted(range(len(items)), key=lambda i: ids[i])
    return [items[i] for position, i in enumerate(order) if position % total == index - 1]
