"""The reading cache returns what was stored under the same inputs and reader, nothing else.

That a hit gives byte-identical facts is tested end to end in ``tests/test_api.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from rgpd_check.analyze.documents import cache as cache_module
from rgpd_check.analyze.documents.cache import ReaderCache

KEY = ("0" * 64, "text/html; charset=utf-8", "https://outil.test/confidentialite")
READING = {"lang": "fr", "title": "Politique", "format": "html", "text_hash": "sha256:00",
           "signals": {"marker": True}}


def test_what_is_put_is_got_under_the_same_key_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ReaderCache(tmp_path)
    assert cache.get(KEY) is None
    cache.put(KEY, READING)
    assert cache.get(KEY) == READING
    assert len(list(tmp_path.rglob("*.json"))) == 1 and not list(tmp_path.rglob("*.tmp"))
    for changed in (("1" * 64, *KEY[1:]), (KEY[0], "application/pdf", KEY[2]), (*KEY[:2], "x")):
        assert cache.get(changed) is None
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other reader or vocabulary")
    assert cache.get(KEY) is None


def test_a_corrupt_entry_is_a_miss_and_an_unwritable_cache_only_costs_time(
    tmp_path: Path,
) -> None:
    cache = ReaderCache(tmp_path)
    cache.put(KEY, READING)
    [entry] = tmp_path.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert cache.get(KEY) is None
    entry.write_text("[1, 2]", encoding="utf-8")
    assert cache.get(KEY) is None
    entry.write_text('{"lang": "fr", "signals": "not a map"}', encoding="utf-8")
    assert cache.get(KEY) is None, "a reading of the wrong shape is a miss, never trusted"
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    unwritable = ReaderCache(blocked / "under-a-file")
    unwritable.put(KEY, READING)  # no exception
    assert unwritable.get(KEY) is None


def test_the_fingerprint_changes_with_a_vocabulary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary = tmp_path / "vocabulary"
    vocabulary.mkdir()
    (vocabulary / "signals.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr(cache_module, "data_path", lambda name: tmp_path / name)
    cache_module.fingerprint.cache_clear()
    try:
        before = cache_module.fingerprint()
        (vocabulary / "signals.yaml").write_text("a: 2\n", encoding="utf-8")
        cache_module.fingerprint.cache_clear()
        assert cache_module.fingerprint() != before
    finally:
        cache_module.fingerprint.cache_clear()


def test_the_default_folder_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_module.default_root() == tmp_path / "rgpd-check" / "reader"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home_cache = tmp_path / "home" / ".cache" / "rgpd-check" / "reader"
    assert cache_module.default_root() == home_cache
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as XDG asks
    assert cache_module.default_root() == home_cache


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_pruning_removes_unused_entries_only_and_at_most_once_a_day(tmp_path: Path) -> None:
    cache = ReaderCache(tmp_path)
    fresh, old, used = KEY, ("1" * 64, *KEY[1:]), ("2" * 64, *KEY[1:])
    for key in (fresh, old, used):
        cache.put(key, READING)
    entries = {key: next(tmp_path.rglob(f"{cache._path(key).name}")) for key in (fresh, old, used)}
    _age(entries[old], 40)
    _age(entries[used], 40)
    fresh_stamp = entries[fresh].stat().st_mtime_ns
    assert cache.get(used) == READING and cache.get(fresh) == READING
    assert entries[used].stat().st_mtime > time.time() - 60, "a hit renews an old entry"
    assert entries[fresh].stat().st_mtime_ns == fresh_stamp, "at most once a day"
    foreign = tmp_path / "ab" / "notes.txt"
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("not a cache entry", encoding="utf-8")
    _age(foreign, 400)
    assert cache.prune() == 1
    assert cache.get(old) is None
    assert cache.get(fresh) == READING and cache.get(used) == READING
    assert foreign.exists(), "only cache entries are ever removed"
    _age(entries[fresh], 40)
    assert cache.prune() == 0, "pruned less than a day ago"
    assert cache.prune(now=time.time() + 2 * 86_400) == 1


def test_pruning_never_follows_a_symbolic_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / f"{'a' * 64}.json"
    victim.write_text("{}", encoding="utf-8")
    _age(victim, 400)
    root = tmp_path / "cache"
    root.mkdir()
    (root / "ab").symlink_to(outside, target_is_directory=True)
    shard = root / "cd"
    shard.mkdir()
    (shard / f"{'b' * 64}.json").symlink_to(victim)
    assert ReaderCache(root).prune() == 0
    assert victim.exists()


def test_the_fingerprint_covers_html_extraction_and_parsing_libraries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "html.py" in cache_module.EXTRACTION and "pypdf" in cache_module.LIBRARIES
    cache_module.fingerprint.cache_clear()
    try:
        before = cache_module.fingerprint()
        monkeypatch.setattr(cache_module, "_library_version", lambda name: "other")
        cache_module.fingerprint.cache_clear()
        assert cache_module.fingerprint() != before
    finally:
        cache_module.fingerprint.cache_clear()


def test_pruning_a_missing_or_unwritable_cache_is_harmless(tmp_path: Path) -> None:
    assert ReaderCache(tmp_path / "absent").prune() == 0
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    assert ReaderCache(blocked).prune() == 0


def test_an_entry_that_is_a_link_or_a_pipe_is_a_miss_without_hanging(tmp_path: Path) -> None:
    cache = ReaderCache(tmp_path / "cache")
    cache.put(KEY, READING)
    entry = cache._path(KEY)
    real = tmp_path / "elsewhere.json"
    real.write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    entry.unlink()
    entry.symlink_to(real)
    assert cache.get(KEY) is None, "never read through a link"
    entry.unlink()
    os.mkfifo(entry)
    assert cache.get(KEY) is None, "a pipe is not a reading (and must not block)"
