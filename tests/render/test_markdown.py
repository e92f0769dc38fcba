"""The Markdown report: what a ticket or merge request needs, in order."""

from __future__ import annotations

from typing import Any

from rgpd_check.render.markdown import MarkdownRenderer
from tests.render.conftest import load_fixture


def _md(report: dict[str, Any], lang: str = "fr") -> str:
    return MarkdownRenderer().render(report, lang=lang)


def test_sections_in_order(report: dict[str, Any]) -> None:
    text = _md(report)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Pourquoi ce niveau",
        "## Avant tout usage",
        "## Risques relevés",
        "## À vérifier",
        "## Garanties constatées",
        "## Preuves",
        "## Annexe\u202f: collecte des preuves",
    ]
    assert text.startswith("# Rapport RGPD\u202f: Quiz Exemple\n")


def test_level_with_marker_and_text(report: dict[str, Any]) -> None:
    assert "**Niveau**\u202f: 🟠 **Déconseillé**" in _md(report)
    assert "**Level**: 🟠 **Not recommended**" in _md(report, "en")


def test_findings_table_per_family(report: dict[str, Any]) -> None:
    text = _md(report)
    risks = text.split("## Risques relevés")[1].split("## À vérifier")[0]
    assert [line for line in risks.splitlines() if line.startswith("### ")] == [
        "### Hébergement et transferts",
        "### Mineurs",
        "### Traceurs et publicité",
    ]
    assert "| `TRK-001` | Majeur | Constaté | Traceurs publicitaires" in risks
    trackers = risks.split("### Traceurs et publicité")[1]
    assert trackers.index("TRK-001") < trackers.index("TRK-004")


def test_unknowns_and_safeguards(report: dict[str, Any]) -> None:
    text = _md(report)
    unknowns = text.split("## À vérifier")[1].split("## Garanties constatées")[0]
    assert "`DPA-002`" in unknowns and "Contrat et transparence" in unknowns
    safeguards = text.split("## Garanties constatées")[1].split("## Preuves")[0]
    assert (
        "- `HOST-006` Liste des sous-traitants ultérieurs publiée (Déclaré par l’éditeur)"
        in safeguards
    )


def test_quotes_and_evidence(report: dict[str, Any]) -> None:
    text = _md(report)
    assert "  > You must be at least 16 years old to create an account." in text
    assert "`<urn:uuid:0b5e7f3a-8c2d-4e1f-a6b9-c0d1e2f3a4b5>`" in text
    assert "`quiz.example A\u202f: 192.0.2.10`" in text


def test_override(override_report: dict[str, Any]) -> None:
    text = _md(override_report, "en")
    assert "**Level**: 🔴 **Prohibited**" in text
    assert "Level computed by rgpd-check: 🟠 **Not recommended**" in text
    assert "## Official stance" in text
    assert "- **Date**: 27 March 2020" in text
    assert "<https://www.education.example/continuite-pedagogique>" in text


def test_collection_annex() -> None:
    text = _md(load_fixture("a_verifier"))
    assert "## Risques relevés\n\nAucun." in text
    assert "Collecte partielle" in text
    assert "### Échecs de collecte" in text
    assert "| crawl | <https://pad.example/confidentialite> | interdit par robots.txt |" in text
    assert "- **Empreinte SHA-256 du manifeste**\u202f: non précisé" in text
    assert "- browser · chromium absent" in text
