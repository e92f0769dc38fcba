"""The readable summary: signals with quotes, denials, and art. 28 letters by name."""

from __future__ import annotations

from pathlib import Path

from rgpd_check.analyze.documents.read import read_document, read_text
from rgpd_check.analyze.documents.summary import format_summary

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "docs"


def test_french_summary_of_a_partial_dpa() -> None:
    name = "d05-fr-pedago-dpa-partiel.docx"
    text = format_summary(read_document((DOCS / name).read_bytes(), filename=name))
    assert "Signaux trouvés" in text
    assert "Se déclare sous-traitant" in text
    assert "6 clause(s) présente(s) sur 8, 2 absente(s)" in text
    assert "[x] a) traitement uniquement sur instruction documentée" in text
    assert "[ ] g) suppression ou restitution des données au terme de la prestation — ABSENTE" \
        in text
    assert "[ ] h) mise à disposition des informations et audits" in text
    assert "vérifiez-la à la main" in text


def test_english_summary() -> None:
    result = read_text("We never sell your personal data. You must be at least 16 years old.")
    text = format_summary(result, "en")
    assert "Signals found (2):" in text
    assert "Minimum age to use the service — value: 16" in text
    assert "Explicit negative statements (1):" in text
    assert "« We never sell your personal data. »" in text
    assert "Mandatory clauses of GDPR art. 28(3)" not in text


def test_a_dpa_with_no_clause_lists_all_eight_as_missing() -> None:
    text = format_summary(read_text("Data Processing Agreement\n\nThis agreement is governed by "
                                    "French law."))
    assert "0 clause(s) présente(s) sur 8, 8 absente(s)" in text
    assert text.count("ABSENTE") == 8


def test_age_table_and_values_are_shown() -> None:
    text = format_summary(read_text("Minimum age by country:\n\nBelgium | 13\nFrance | 15\n"
                                    "Germany | 16\n"))
    assert "Âge minimum d'utilisation — valeur : 15 (tableau par pays : BE 13, FR 15, DE 16)" \
        in text
