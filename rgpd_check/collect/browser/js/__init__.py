"""The JavaScript run inside pages (kept as files so it reads, and lints, as JavaScript)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def load_js(name: str) -> str:
    return (Path(__file__).parent / name).read_text(encoding="utf-8")
