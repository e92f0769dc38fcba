"""Typing pages and links as the documents a DPO needs (privacy policy, terms, DPA…).

Used twice with the same vocabulary (``rules/data/discovery.yaml``): by the crawler, to
decide what to fetch first, and by analysis, to type stored pages. A decision carries its
confidence and its reason (link text, URL pattern, title, rel).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from rgpd_check.errors import InputError
from rgpd_check.resources import data_path

DOCUMENT_TYPES = (
    "privacy_policy",
    "terms",
    "legal_notice",
    "dpa",
    "subprocessors",
    "cookie_policy",
    "children_privacy",
    "security",
)


@dataclass(frozen=True)
class DocumentGuess:
    """Why we think a URL is a given kind of document."""

    type: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class _TypeVocabulary:
    name: str
    link_text: tuple[re.Pattern[str], ...]
    url: tuple[re.Pattern[str], ...]
    rel: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    types: tuple[_TypeVocabulary, ...]
    weights: dict[str, float]
    well_known: dict[str, tuple[str, ...]]
    sitemaps: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes folded: how vocabulary is matched."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("\u2019", "'").replace("\u2018", "'")


@cache
def load_vocabulary() -> Vocabulary:
    """Load and compile the discovery vocabulary once."""
    path = data_path("discovery.yaml")
    try:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        types = []
        for name, entry in raw["types"].items():
            if name not in DOCUMENT_TYPES:
                raise ValueError(f"unknown document type {name!r}")
            types.append(
                _TypeVocabulary(
                    name=name,
                    link_text=tuple(re.compile(p) for p in entry.get("link_text", [])),
                    url=tuple(re.compile(p) for p in entry.get("url", [])),
                    rel=tuple(entry.get("rel", [])),
                )
            )
        return Vocabulary(
            types=tuple(types),
            weights={k: float(v) for k, v in raw["weights"].items()},
            well_known={k: tuple(v) for k, v in raw.get("well_known", {}).items()},
            sitemaps=tuple(raw.get("sitemaps", [])),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, re.error) as exc:
        raise InputError(f"{path}: vocabulaire invalide / invalid vocabulary: {exc}") from None


def guess(url: str, *, link_text: str = "", rel: str = "", title: str = "") -> DocumentGuess | None:
    """Best document type for a link or page, or None when nothing matches."""
    return _guess(url, link_text, rel, title)


@lru_cache(maxsize=16_384)  # menus and footers repeat the same links on every page
def _guess(url: str, link_text: str, rel: str, title: str) -> DocumentGuess | None:
    vocabulary = load_vocabulary()
    weights = vocabulary.weights
    folded_text = fold(link_text)
    folded_title = fold(title)
    path = fold(
        unquote(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    )
    best: DocumentGuess | None = None
    for entry in vocabulary.types:
        candidates: list[DocumentGuess] = []
        if rel and any(r in rel for r in entry.rel):
            candidates.append(DocumentGuess(entry.name, weights["rel"], f"rel={rel}"))
        if folded_text and any(p.search(folded_text) for p in entry.link_text):
            candidates.append(
                DocumentGuess(
                    entry.name,
                    weights["link_text"],
                    f"texte du lien / link text: « {link_text[:80]} »",
                )
            )
        if folded_title and any(p.search(folded_title) for p in entry.link_text):
            candidates.append(
                DocumentGuess(entry.name, weights["title"], f"titre / title: « {title[:80]} »")
            )
        if any(p.search(path) for p in entry.url):
            candidates.append(
                DocumentGuess(
                    entry.name, weights["url"], f"adresse / URL: {urlsplit(url).path[:80]}"
                )
            )
        for candidate in candidates:
            if best is None or candidate.confidence > best.confidence:
                best = candidate
    return best
