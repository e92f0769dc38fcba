"""Append-only JSON Lines logs, flushed line by line so a killed audit keeps what it had."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from rgpd_check.evidence.atomic import write_atomic


class JsonlLog:
    """One JSON object per line; each write is flushed to the OS at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = path.open("a", encoding="utf-8")

    def write(self, entry: dict[str, Any]) -> None:
        if self._handle is None:
            raise ValueError(f"{self.path} is closed")
        self._handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def rewrite(self, transform: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Replace every complete entry by ``transform(entry)``, atomically, then go on
        appending (a torn last line is dropped, as readers skip it anyway)."""
        was_open = self._handle is not None
        self.close()
        write_atomic(
            self.path,
            "".join(
                json.dumps(transform(entry), ensure_ascii=False, sort_keys=True) + "\n"
                for entry in read_jsonl(self.path)
            ),
        )
        if was_open:
            self._handle = self.path.open("a", encoding="utf-8")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete line of a log; a torn last line (killed writer) is skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                return
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict):
                yield entry
