"""Reader results kept on disk by content, for nightly re-audits of unchanged documents.

Reading is pure: the same text, URL and language read by the same vocabulary and reader code
give the same signals, and an academy re-audits the same policies every night. The key covers
all of it: the text's SHA-256, the URL and language, and a fingerprint of every vocabulary file
and reader module plus the package version, so an entry written by other code or vocabulary is
never used. Entries are written atomically; a corrupt or unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import rgpd_check
from rgpd_check.resources import data_path

_READER = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """SHA-256 over the reader's code, its vocabulary files and the package version."""
    digest = hashlib.sha256(rgpd_check.__version__.encode())
    vocabulary = data_path("vocabulary")
    files = sorted(_READER.glob("*.py")) + sorted(Path(vocabulary).rglob("*.yaml"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class ReaderCache:
    """A folder of ``<key>.json`` files, one per (text, URL, language, reader fingerprint)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, text: str, url: str | None, lang: str | None) -> Path:
        key = hashlib.sha256(
            "\0".join((fingerprint(), url or "", lang or "", text)).encode("utf-8", "surrogatepass")
        ).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def get(self, text: str, url: str | None, lang: str | None) -> dict[str, Any] | None:
        """The stored result, or None (absent, unreadable or not a result)."""
        try:
            value = json.loads(self._path(text, url, lang).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) and "signals" in value else None

    def put(self, text: str, url: str | None, lang: str | None, result: dict[str, Any]) -> None:
        """Store a result; a cache that cannot be written only costs speed."""
        path = self._path(text, url, lang)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(result, out, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError:
            return
