"""Every quote is an exact slice of the extracted text, on every development document."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.analyze.documents.extract import extract_text
from rgpd_check.analyze.documents.read import SIGNALS, read_text

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "docs"
NAMES = sorted(p.name for p in DOCS.iterdir() if p.name.startswith("d"))


@pytest.mark.parametrize("name", NAMES)
def test_quotes_are_slices_of_the_text(name: str) -> None:
    extracted = extract_text((DOCS / name).read_bytes(), filename=name)
    result = read_text(extracted.text, url=f"https://example.test/{name}", lang=extracted.lang)
    assert list(result["signals"]) == list(SIGNALS)
    for signal, found in result["signals"].items():
        assert found["present"] is (found["status"] == "affirmed"), signal
        if found["status"] != "not_found":
            assert found["quotes"], signal
        for quote in found["quotes"]:
            assert extracted.text[quote["start"]:quote["end"]] == quote["text"], signal
            assert quote["url"] == f"https://example.test/{name}"
            assert quote["text"].strip() == quote["text"]


def test_url_is_left_out_when_unknown() -> None:
    result = read_text("Nous ne vendons jamais vos données.")
    quote = result["signals"]["data_sale"]["quotes"][0]
    assert "url" not in quote
    assert set(quote) == {"text", "start", "end"}
