"""Art. 28(3) clauses: present and missing letters, and only as processor commitments."""

from __future__ import annotations

from pathlib import Path

from rgpd_check.analyze.documents.read import read_document, read_text

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "docs"


def _clauses(name: str) -> dict[str, object]:
    result = read_document((DOCS / name).read_bytes(), filename=name)
    return dict(result["signals"]["art28_clauses"])


def test_complete_dpa_pdf() -> None:
    found = _clauses("d18-fr-numeriklasse-dpa.pdf")
    assert found["value"] == list("abcdefgh")
    assert found["agreement"] is True
    letters = [q["clause"] for q in found["quotes"]]  # type: ignore[attr-defined]
    assert letters == list("abcdefgh")


def test_partial_dpa_reports_what_is_there() -> None:
    assert _clauses("d05-fr-pedago-dpa-partiel.docx")["value"] == list("abcdef")
    assert _clauses("d24-en-tutorat-dpa-partial.docx")["value"] == list("acdefg")


def test_clauses_spread_under_headings() -> None:
    assert _clauses("d15-en-fabrik-dpa-spread.md")["value"] == list("abcdefgh")


def test_audit_alone_is_not_clause_h() -> None:
    text = ("Data Processing Agreement\n\nThe Processor processes data only on documented "
            "instructions of the Customer. The Processor undergoes an annual audit by an "
            "external firm.")
    found = read_text(text)["signals"]["art28_clauses"]
    assert found["value"] == ["a"]


def test_a_controller_policy_has_no_art28_clauses() -> None:
    text = ("Privacy policy\n\nWe take technical and organisational security measures. Our staff "
            "are bound by confidentiality. We delete your data at the end of the contract and "
            "allow audits by regulators.")
    found = read_text(text)["signals"]["art28_clauses"]
    assert found["status"] == "not_found"
    assert found["agreement"] is False
