"""Shared test set-up: the test web plugin, and a private cache folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.testweb.plugin"]


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The command line keeps document readings in the user's cache folder by default: each
    test gets its own, so no test reads another's entries (or the developer's)."""
    root = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    monkeypatch.delenv("RGPD_CHECK_READER_CACHE", raising=False)
    monkeypatch.delenv("RGPD_CHECK_NO_READER_CACHE", raising=False)
    return root
