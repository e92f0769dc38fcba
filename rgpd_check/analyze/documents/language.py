"""French or English? A count of frequent short words, enough for policies and contracts."""

from __future__ import annotations

import re

from rgpd_check.analyze.documents.normalize import fold_text
from rgpd_check.analyze.documents.vocabulary import Vocabulary, load_vocabulary

_SAMPLE = 30_000
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def detect_language(
    text: str, vocab: Vocabulary | None = None, *, folded: str | None = None
) -> str | None:
    """'fr', 'en' or None when the text is too short or too mixed to tell.

    ``folded`` is the text already folded (a document being read), so it is not folded twice.
    """
    vocab = vocab or load_vocabulary()
    sample = folded[:_SAMPLE] if folded is not None else fold_text(text[:_SAMPLE])
    tokens = _TOKEN.findall(sample)
    counts = {lang: sum(1 for t in tokens if t in words) for lang, words in vocab.stopwords.items()}
    fr, en = counts.get("fr", 0), counts.get("en", 0)
    if fr + en < vocab.language_min_hits:
        return None
    if fr >= en * vocab.language_ratio:
        return "fr"
    if en >= fr * vocab.language_ratio:
        return "en"
    return None
