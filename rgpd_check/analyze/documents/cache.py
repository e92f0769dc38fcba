"""Document readings kept on disk by content, for nightly re-audits of unchanged documents.

Extracting and reading a document is pure: the same bytes at the same URL, read by the same
reader code and vocabulary, give the same text hash and signals, and an academy re-audits the
same policies every night. The key covers all of it: what the caller puts in (the body's
SHA-256, its content type and URL) and a fingerprint of every reader module and vocabulary
file plus the package version, so an entry written by other code or vocabulary is never used.
Entries are written atomically; a corrupt or unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import rgpd_check
from rgpd_check.resources import data_path

_READER = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """SHA-256 over the reader's code (extraction included), its vocabulary files and the
    package version."""
    digest = hashlib.sha256(rgpd_check.__version__.encode())
    vocabulary = data_path("vocabulary")
    around = [_READER.parent / "document_facts.py", _READER.parent / "text.py"]  # extraction
    files = sorted(_READER.glob("*.py")) + around + sorted(Path(vocabulary).rglob("*.yaml"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class ReaderCache:
    """A folder of ``<key>.json`` files, one per (inputs, reader fingerprint)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, parts: Sequence[str]) -> Path:
        joined = "\0".join((fingerprint(), *parts)).encode("utf-8", "surrogatepass")
        key = hashlib.sha256(joined).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def get(self, parts: Sequence[str]) -> dict[str, Any] | None:
        """The stored reading, or None (absent, unreadable or not a reading)."""
        try:
            value = json.loads(self._path(parts).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, parts: Sequence[str], reading: dict[str, Any]) -> None:
        """Store a reading; a cache that cannot be written only costs speed."""
        path = self._path(parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(reading, out, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError:
            return
