"""What the HTML report shows, and in which order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.interface import RenderError


def render(report: dict[str, Any], lang: str = "fr") -> BeautifulSoup:
    return BeautifulSoup(HtmlRenderer().render(report, lang=lang), "lxml")


def text(node: Tag) -> str:
    return " ".join(node.get_text().split())


def test_top_of_report(report: dict[str, Any]) -> None:
    doc = render(report)
    assert doc.select("h1")[0].get_text() == "Rapport RGPD\u202f: Quiz Exemple"
    header = text(doc.select("header.report-header")[0])
    assert "Quiz Exemple" in header
    assert "https://quiz.example/" in header
    assert "29 novembre 2026 à 18 h 07" in header
    assert "élèves avec comptes, collège" in header
    assert "contexte par défaut" in header
    panel = doc.select("#level")[0]
    assert "Déconseillé" in text(panel)
    assert "Au moins un risque majeur" in text(panel)
    reasons = [text(li) for li in panel.select(".reasons li")]
    assert "Traceurs publicitaires tiers" in reasons[0]
    actions = [text(li) for li in doc.select("#actions li")]
    assert actions[0] == "Ne pas créer de comptes élèves nominatifs."


def test_custom_context_is_said(any_report: dict[str, Any]) -> None:
    any_report["context"]["is_default"] = False
    assert "contexte précisé pour cet audit" in text(render(any_report))


def test_override_shown_separately_with_computed_level(override_report: dict[str, Any]) -> None:
    doc = render(override_report, "en")
    panel = doc.select("#level")[0]
    assert text(panel.select(".level-main")[0]) == "⊘ Prohibited"
    summary = text(panel.select(".level-summary")[0])
    assert summary.startswith('An official stance classes this tool as "Prohibited"')
    assert "Level computed by rgpd-check: ✕ Not recommended" in text(panel.select(".computed")[0])
    override = text(panel.select(".override")[0])
    assert "Official stance" in override
    assert "Ministère de l’Éducation nationale" in override
    assert "27 March 2020" in override
    link = panel.select(".override a")[0]
    assert link.get("href") == "https://www.education.example/continuite-pedagogique"


def test_no_computed_level_without_override(report: dict[str, Any]) -> None:
    assert not render(report).select(".computed")


def test_families_in_order_with_groups(report: dict[str, Any]) -> None:
    doc = render(report)
    families = [s.get("id") for s in doc.select("section.family")]
    assert families == [
        "family-hosting",
        "family-dpa",
        "family-minors",
        "family-trackers",
        "family-security",
    ]
    titles = [text(h) for h in doc.select("section.family > h2")]
    assert titles == [
        "Hébergement et transferts",
        "Contrat et transparence (art. 28, 13)",
        "Mineurs",
        "Traceurs et publicité",
        "Sécurité",
    ]
    hosting = doc.select("#family-hosting")[0]
    groups = [text(h) for h in hosting.select("h3")]
    assert groups == ["Risques relevés", "Garanties constatées"]
    passed = hosting.select("details.passed")[0]
    assert passed.get("open") is None
    assert "HOST-001" in text(passed)
    dpa = doc.select("#family-dpa")[0]
    assert [text(h) for h in dpa.select("h3")] == ["À vérifier"]


def test_risks_sorted_by_severity(report: dict[str, Any]) -> None:
    trackers = render(report).select("#family-trackers article.finding")
    assert [a.get("id") for a in trackers] == ["f-TRK-001", "f-TRK-004"]


def test_finding_details(report: dict[str, Any]) -> None:
    doc = render(report)
    finding = doc.select("#f-MIN-001")[0]
    body = text(finding)
    assert "Gravité : Majeur" in body
    assert "Fiabilité : Déclaré par l’éditeur" in body
    assert "Pour des élèves de collège" in body
    quote = finding.select("blockquote")[0]
    assert text(quote) == "You must be at least 16 years old to create an account."
    assert quote.get("cite") == "https://quiz.example/terms"
    assert "caractères 310 à 365" in body
    gdpr = finding.select(".gdpr a")[0]
    assert (text(gdpr), gdpr.get("href")) == ("art. 8", "https://gdprhub.eu/Article_8_GDPR")
    tracker = text(doc.select("#f-TRK-001")[0])
    assert "<urn:uuid:0b5e7f3a-8c2d-4e1f-a6b9-c0d1e2f3a4b5>" in tracker
    assert "… et 3 autres preuves" in tracker
    hosting = text(doc.select("#f-HOST-002")[0])
    assert "quiz.example A : 192.0.2.10" in hosting


def test_reliability_legend(report: dict[str, Any]) -> None:
    legend = text(render(report).select(".legend")[0])
    for label in ("Constaté", "Déclaré par l’éditeur", "Heuristique"):
        assert label in legend


def test_annex(report: dict[str, Any]) -> None:
    annex = render(report).select("#annex")[0]
    body = text(annex)
    assert "Pages publiques seulement" in body
    assert "Navigateur utilisé (headless)." in body
    assert "document trop volumineux" in body
    assert "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" in body
    assert "483,2 ko" in body
    assert "2026.11" in body
    assert "academie/trackers.yaml" in body


def test_annex_with_collection_failures() -> None:
    from tests.render.conftest import load_fixture

    annex = render(load_fixture("a_verifier")).select("#annex")[0]
    body = text(annex)
    assert "Collecte partielle" in body
    assert "interdit par robots.txt" in body
    assert "Disallow: /confidentialite" in body
    assert "erreur de certificat TLS" in body
    assert "chromium absent" in body
    assert "Sans navigateur" in body


def test_english_catalog(report: dict[str, Any]) -> None:
    doc = render(report, "en")
    assert doc.html is not None and doc.html.get("lang") == "en"
    assert "Not recommended" in text(doc.select("#level")[0])
    assert "29 November 2026, 18:07 UTC" in text(doc.select("header")[0])
    # Finding texts stay in the report's language and say so.
    title = doc.select("#f-MIN-001 h4 span[lang]")[0]
    assert title.get("lang") == "fr"


def test_same_language_has_no_inner_lang(report: dict[str, Any]) -> None:
    assert not render(report, "fr").select("main [lang]")


def test_theme_override_one_template(tmp_path: Path, report: dict[str, Any]) -> None:
    (tmp_path / "report.html").write_text(
        '{% extends "base.html" %}'
        '{% block logo %}<p class="academy-logo">Académie de Test</p>{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "extra.css").write_text(":root { --level-deconseille: #8a2c00; }", encoding="utf-8")
    html = HtmlRenderer(theme_dir=tmp_path).render(report, lang="fr")
    doc = BeautifulSoup(html, "lxml")
    assert text(doc.select(".academy-logo")[0]) == "Académie de Test"
    assert "--level-deconseille: #8a2c00;" in html
    assert doc.select("#f-MIN-001")  # the rest of the report is untouched


def test_missing_theme_folder(tmp_path: Path, report: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match="theme folder not found"):
        HtmlRenderer(theme_dir=tmp_path / "nope").render(report, lang="fr")


def test_every_fixture_renders(any_report: dict[str, Any]) -> None:
    for lang in ("fr", "en"):
        doc = render(any_report, lang)
        assert doc.select("h1")


def test_reason_without_finding_is_not_a_dead_link(report: dict[str, Any]) -> None:
    report["reasons"].append({"rule": "XYZ-999", "title": "Règle sans constat"})
    reasons = render(report).select("#level .reasons li")
    assert reasons[-1].find("a") is None
    assert "Règle sans constat" in text(reasons[-1])
