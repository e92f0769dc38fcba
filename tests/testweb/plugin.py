"""pytest fixtures: one TestWeb per session, handed to each test freshly reset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.testweb.web import TestWeb


@pytest.fixture(scope="session")
def testweb_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestWeb]:
    """Started once: CA generation and socket binding are paid a single time."""
    web = TestWeb(tmp_path_factory.mktemp("testweb")).start()
    try:
        yield web
    finally:
        web.stop()


@pytest.fixture
def testweb(testweb_session: TestWeb) -> Iterator[TestWeb]:
    """The session's TestWeb with no sites, records, faults or log entries."""
    testweb_session.reset()
    try:
        yield testweb_session
    finally:
        testweb_session.reset()
