"""Sentences, headings, list items and table rows with their offsets."""

from __future__ import annotations

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.vocabulary import load_vocabulary


def _doc(text: str) -> Document:
    return Document.build(text, "en", load_vocabulary())


def test_abbreviations_do_not_end_sentences() -> None:
    doc = _doc("Acme Inc. is based in the U.S. and e.g. France. We sell nothing.")
    assert [doc.otext(i) for i in range(len(doc.sentences))] == [
        "Acme Inc. is based in the U.S. and e.g. France.", "We sell nothing."]


def test_headings_and_sections() -> None:
    doc = _doc("Sub-processors\n\nWe use the following companies:\n\n- OVH SAS (France)\n")
    assert doc.sentences[0].is_heading
    assert doc.heading_text(2) == "sub-processors"
    assert doc.sentences[2].is_item
    assert doc.intro_text(2) == "we use the following companies:"


def test_table_header_row() -> None:
    doc = _doc("Intro.\n\nName | Country\nOVH | France\nBrevo | France\n")
    rows = [s for s in doc.sentences if s.is_table_row]
    assert [s.is_table_header for s in rows] == [True, False, False]
    assert doc.table_header_text(rows[1].index) == "name | country"


def test_wrapped_pdf_lines_are_joined() -> None:
    doc = _doc("The processor will delete all data\nat the end of the agreement.\n")
    assert len(doc.sentences) == 1
