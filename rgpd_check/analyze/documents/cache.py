"""Document readings kept on disk by content, for nightly re-audits of unchanged documents.

Extracting and reading a document is pure: the same bytes at the same URL, read by the same
reader code and vocabulary, give the same text hash and signals, and an academy re-audits the
same policies every night. The key covers all of it: what the caller puts in (the body's
SHA-256, its content type and URL) and a fingerprint of every reader module and vocabulary
file plus the package version, so an entry written by other code or vocabulary is never used.
Entries are written atomically; a corrupt or unreadable entry is a miss.

The command line keeps the cache in the user's cache folder by default (like mypy or ruff),
so ``evaluate`` after an ``audit`` does not read the same documents again. A hit renews an
entry's modification time (at most once a day; archives such as CI caches keep it, not the
access time); entries unused for ``MAX_AGE_DAYS`` are removed, at most once a day.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import rgpd_check
from rgpd_check.resources import data_path

_READER = Path(__file__).resolve().parent
MAX_AGE_DAYS = 30
MAX_ENTRY_BYTES = 20 * 1024 * 1024  # a reading is a few hundred KB at most
_PRUNE_STAMP = ".last-prune"
_DAY = 86_400.0


def default_root() -> Path:
    """``$XDG_CACHE_HOME/rgpd-check/reader``, or ``~/.cache/rgpd-check/reader``.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification asks.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rgpd-check" / "reader"


# Outside the reader's folder, what turns a document's bytes into its reading: the facts
# module that calls it, text normalisation, and the HTML main-text extraction.
EXTRACTION = ("document_facts.py", "text.py", "html.py")
# Libraries whose output the reading depends on (HTML, PDF, DOCX, YAML parsing).
LIBRARIES = ("selectolax", "pypdf", "python-docx", "PyYAML")


def _library_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """SHA-256 over the reader's code (extraction included), its vocabulary files, the
    versions of Python, Unicode and the parsing libraries, and the package version."""
    digest = hashlib.sha256(rgpd_check.__version__.encode())
    # Python's own text handling (Unicode tables, re) shapes folding and matching too.
    digest.update(f"python={sys.version_info[:2]};unicode={unicodedata.unidata_version}\0".encode())
    for library in LIBRARIES:
        digest.update(f"{library}={_library_version(library)}\0".encode())
    vocabulary = data_path("vocabulary")
    around = [_READER.parent / name for name in EXTRACTION]
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
        """The stored reading, or None (absent, unreadable or not a reading).

        Only a regular file of bounded size, never through a symbolic link: a planted link
        to a pipe or a device must not hang or exhaust the audit.
        """
        path = self._path(parts)
        try:
            if os.path.islink(path.parent):
                return None
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
                return None
            with os.fdopen(os.dup(fd), "rb") as handle:
                value: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
            if not _is_reading(value):
                return None
            if time.time() - info.st_mtime > _DAY:  # still in use: kept by the pruning
                os.utime(fd)
            return value
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)

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

    def prune(self, max_age_days: float = MAX_AGE_DAYS, *, now: float | None = None) -> int:
        """Remove entries unused for ``max_age_days``; at most once a day. Returns how many.

        Only ``<2 hex>/<64 hex>.json`` entries (and stale temporary files) are touched, so a
        cache folder pointed at the wrong place loses nothing else.
        """
        now = time.time() if now is None else now
        stamp = self.root / _PRUNE_STAMP
        try:
            if now - stamp.stat().st_mtime < _DAY:
                return 0
        except OSError:
            pass  # never pruned
        removed = 0
        limit = now - max_age_days * _DAY
        try:  # never through a symbolic link: a foreign folder loses nothing
            with os.scandir(self.root) as found:
                shards = [
                    d.path for d in found if _is_shard(d.name) and d.is_dir(follow_symlinks=False)
                ]
        except OSError:
            return 0
        for shard in shards:
            try:
                with os.scandir(shard) as found:
                    entries = [
                        e for e in found if _is_entry(e.name) and e.is_file(follow_symlinks=False)
                    ]
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        try:
            stamp.touch()
            os.utime(stamp, (now, now))
        except OSError:
            pass
        return removed


def _is_shard(name: str) -> bool:
    return len(name) == 2 and all(c in "0123456789abcdef" for c in name)


def _is_entry(name: str) -> bool:
    """``<64 hex>.json``, or a temporary file ``put`` left behind (``tmp….tmp``)."""
    if name.startswith("tmp") and name.endswith(".tmp"):
        return True
    stem, _dot, suffix = name.partition(".")
    return suffix == "json" and len(stem) == 64 and all(c in "0123456789abcdef" for c in stem)


def _is_reading(value: Any) -> bool:
    """What ``_reading`` stores for a document read without error."""
    return (
        isinstance(value, dict)
        and {"lang", "title", "format", "text_hash", "signals"} <= value.keys()
        and isinstance(value["signals"], dict)
        and isinstance(value["text_hash"], str)
    )
