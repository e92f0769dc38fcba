"""The reader cache returns what the reader returns, and never a result from other code."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.analyze.document_facts import _read_signals
from rgpd_check.analyze.documents import cache as cache_module
from rgpd_check.analyze.documents.cache import ReaderCache

TEXT = (
    "Politique de confidentialité. Nous ne vendons pas vos données personnelles. "
    "L'âge minimum pour utiliser le service est de 15 ans."
)
URL = "https://outil.test/confidentialite"


def test_a_hit_gives_the_same_signals_as_reading(tmp_path: Path) -> None:
    cache = ReaderCache(tmp_path)
    first, error = _read_signals(TEXT, URL, "fr", cache)
    assert error is None and first is not None
    assert len(list(tmp_path.rglob("*.json"))) == 1
    again, _ = _read_signals(TEXT, URL, "fr", cache)
    assert again == first == _read_signals(TEXT, URL, "fr")[0]


def test_the_key_covers_text_url_language_and_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ReaderCache(tmp_path)
    cache.put(TEXT, URL, "fr", {"lang": "fr", "signals": {"marker": True}})
    assert cache.get(TEXT, URL, "fr") == {"lang": "fr", "signals": {"marker": True}}
    assert cache.get(TEXT + " ", URL, "fr") is None
    assert cache.get(TEXT, URL + "?v=2", "fr") is None
    assert cache.get(TEXT, URL, "en") is None
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other reader or vocabulary")
    assert cache.get(TEXT, URL, "fr") is None


def test_a_corrupt_entry_is_a_miss_and_an_unwritable_cache_only_costs_time(
    tmp_path: Path,
) -> None:
    cache = ReaderCache(tmp_path)
    _read_signals(TEXT, URL, "fr", cache)
    [entry] = tmp_path.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert cache.get(TEXT, URL, "fr") is None
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    signals, error = _read_signals(TEXT, URL, "fr", ReaderCache(blocked / "under-a-file"))
    assert error is None and signals is not None


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
