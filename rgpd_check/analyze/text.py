"""Text normalisation and the stable, versioned text hash of documents.

The CI gate pins document hashes; bump ``TEXT_NORMALISATION_VERSION`` whenever
``normalise_for_hash`` changes, so a new normalisation is reported as such rather than as
every document having changed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

TEXT_NORMALISATION_VERSION = "1"
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u200b\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def tidy(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep paragraph breaks (one blank line)."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", joined).strip()


def normalise_for_hash(text: str) -> str:
    """What counts as "the same text": Unicode NFC, typographic quotes folded, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """``sha256:<hex>`` of the normalised text."""
    return "sha256:" + hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()
