"""Fixtures of the gate tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gate.sites import locate_loopback, serve_tracker, write_ip2asn
from tests.testweb import TestWeb


@pytest.fixture
def web(testweb: TestWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestWeb]:
    """The test web with a tracker host and loopback addresses placed by ``ip2asn.tsv``."""
    locate_loopback(monkeypatch, write_ip2asn(tmp_path / "ip2asn.tsv"))
    serve_tracker(testweb)
    yield testweb
