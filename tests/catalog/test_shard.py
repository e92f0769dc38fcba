"""``catalog audit --shard K/N``: deterministic, balanced, complete and disjoint splits."""

from __future__ import annotations

import random

import pytest

from rgpd_check.catalog.shard import parse_shard, shard_items
from rgpd_check.errors import InputError

IDS = [f"outil-{i:04d}" for i in range(1000)]


@pytest.mark.parametrize("total", [1, 2, 3, 7, 10, 64])
def test_a_thousand_tools_split_evenly_and_exactly_once(total: int) -> None:
    shards = [shard_items(IDS, IDS, k, total) for k in range(1, total + 1)]
    sizes = [len(s) for s in shards]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == len(IDS)
    assert sorted(i for s in shards for i in s) == sorted(IDS)  # complete and disjoint


def test_split_does_not_depend_on_file_order() -> None:
    shuffled = IDS[:]
    random.Random(4).shuffle(shuffled)
    for k in (1, 2, 3):
        assert sorted(shard_items(shuffled, shuffled, k, 3)) == sorted(shard_items(IDS, IDS, k, 3))


def test_gitlab_parallel_variables_are_read() -> None:
    assert parse_shard(None, {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "5"}) == (2, 5)
    assert parse_shard("1/3", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "5"}) == (1, 3)
    assert parse_shard(None, {}) is None


@pytest.mark.parametrize("bad", ["0/3", "4/3", "a/b", "3", "1/0", "-1/2"])
def test_bad_shards_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError, match="--shard"):
        parse_shard(bad, {})
