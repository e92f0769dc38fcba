"""One batch at a time per reports folder: a second one would clean the first one's runs."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rgpd_check.catalog.layout import LOCK_FILE
from rgpd_check.errors import InputError


@contextmanager
def batch_lock(reports: Path) -> Iterator[None]:
    """Hold ``REPORTS/.batch.lock``; another holder means exit 2 with a clear message."""
    reports.mkdir(parents=True, exist_ok=True)
    fd = os.open(reports / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"{reports}: un autre audit par lot est en cours / another batch audit is"
                " running on this folder"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
