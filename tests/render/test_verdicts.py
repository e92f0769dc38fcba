"""How reports explain a level: reasons by effect, context, coverage, gaps, screenshots.

The ``precautions`` and ``range`` fixtures were written by the real classifier from two
golden cases (tests/golden_cases), so they carry policy reasons the way audits do.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from rgpd_check.render.html import HtmlRenderer
from rgpd_check.render.i18n import Messages
from rgpd_check.render.markdown import MarkdownRenderer
from rgpd_check.render.view import build_view
from rgpd_check.schemas import report_errors
from tests.render.conftest import load_fixture

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa65d7e0a0000000049454e44ae426082"
    )
).decode()


def html(report: dict[str, Any], lang: str = "fr") -> BeautifulSoup:
    return BeautifulSoup(HtmlRenderer().render(report, lang=lang), "lxml")


def text(node: Tag) -> str:
    return " ".join(node.get_text().split())


@pytest.mark.parametrize("name", ["precautions", "range"])
def test_classifier_fixtures_are_valid_reports(name: str) -> None:
    assert report_errors(load_fixture(name)) == []


def test_precautions_reasons_and_context() -> None:
    doc = html(load_fixture("precautions"))
    panel = doc.select("#level")[0]
    assert "Utilisable avec précautions" in text(panel.select(".level-main")[0])
    assert "Jugé pour" in text(panel) and "enseignants seulement" in text(panel)
    reasons = panel.select("ul.reasons:not(.reasons--context) li")
    assert "Gravité" in text(reasons[0]) and "HOST-002" in text(reasons[0])
    assert "(Constaté)" in text(reasons[0])  # reliability of the finding
    context = panel.select(".reasons--context li")
    assert len(context) == 1 and text(context[0]).startswith("Contexte")
    assert "Sans donnée personnelle d’élève" in text(context[0])


def test_range_lead_and_unknown_reasons() -> None:
    doc = html(load_fixture("range"))
    panel = doc.select("#level")[0]
    lead = text(panel.select(".lead-reason")[0])
    assert lead.startswith("Selon la réponse à ces points, le niveau irait de")
    assert "«\u202fUtilisable avec précautions\u202f»" in panel.select(".lead-reason")[0].get_text()
    unknown = panel.select("ul.reasons li")
    assert all(li.select(".reason-unknown") for li in unknown)
    assert not any(li.select(".sev") for li in unknown)  # a gap is not a found risk


def test_coverage_box() -> None:
    coverage = text(html(load_fixture("precautions")).select("#level .coverage")[0])
    assert "Ce que couvre ce rapport" in coverage
    assert "avec un navigateur" in coverage
    assert "12 pages examinées" in coverage and "documents lus" in coverage
    assert "Détails dans l’annexe." in coverage


def test_undetermined_is_not_none() -> None:
    summary = html(load_fixture("range")).select("#summary")[0]
    rows = {
        text(div.select("dt")[0]): text(div.select("dd")[0])
        for div in summary.select("dl.meta > div")
    }
    assert rows["Pays d’hébergement"] == "non déterminé"
    assert rows["Domaines tiers contactés"] == "aucun"
    assert html(load_fixture("range"), "en").find(string="not determined")


def test_guesses_are_apart_from_failures() -> None:
    annex = html(load_fixture("precautions")).select("#annex")[0]
    table = text(annex.select("table")[2])
    assert "Aucun échec." in table
    guesses = annex.select("details.guesses")[0]
    assert "Adresses usuelles essayées sans succès (2)" in text(guesses)
    assert "page introuvable (HTTP 404)" in text(guesses)


def test_not_applicable_rules_are_folded() -> None:
    dpa = html(load_fixture("precautions")).select("#family-dpa")[0]
    folded = dpa.select("details.not-applicable")[0]
    assert "Sans objet pour cet outil (1)" in text(folded)
    assert "DPA-007" in text(folded)
    assert not dpa.select("#f-DPA-007")  # not shown as a point to verify


def test_failure_labels() -> None:
    fr, en = Messages("fr"), Messages("en")
    assert fr.failure("http_404") == "page introuvable (HTTP 404)"
    assert fr.failure("http_503") == "erreur du serveur (HTTP 503)"
    assert en.failure("http_403") == "access denied (HTTP 403)"
    assert fr.failure("dns_nxdomain") == "nom de domaine introuvable"
    for code in (
        "robots_disallowed",
        "connect_refused",
        "tls_error",
        "response_timeout",
        "redirect_loop",
        "too_many_redirects",
        "page_budget",
        "time_budget",
        "blocked_address",
    ):
        assert fr.has(f"failure_reason.{code}") and en.has(f"failure_reason.{code}")
    assert fr.failure("brand_new") == "brand_new"


def test_gdpr_references_read_naturally() -> None:
    assert Messages("fr").gdpr("recital 38") == "considérant 38"
    assert Messages("en").gdpr("recital 38") == "recital 38"
    assert Messages("fr").gdpr("28(3)(a)") == "art. 28(3)(a)"


def test_screenshots_are_inlined_and_checked() -> None:
    report = load_fixture("precautions")
    report["evidence_bundle"]["screenshots"] = [
        {
            "path": "files/screenshot-entry.png",
            "sha256": "ab" * 32,
            "media_type": "image/png",
            "data_base64": PNG,
        },
        {"path": "files/x.svg", "media_type": "image/svg+xml", "data_base64": PNG},
        {"path": "files/y.png", "media_type": "image/png", "data_base64": 'x" onerror="alert(1)'},
    ]
    assert report_errors(report) == []
    images = html(report).select("#annex figure.screenshot img")
    assert [img.get("src") for img in images] == [f"data:image/png;base64,{PNG}"]
    assert "Capture de la page d’entrée de Créa Exemple" in images[0].get("alt", "")
    md = MarkdownRenderer().render(report, lang="fr")
    assert "`files/screenshot-entry.png`" in md and "base64" not in md


def test_operator_is_shown() -> None:
    report = load_fixture("precautions")
    assert build_view(report).operator_kind == "company"
    header = html(report).select("header dl.meta > div")
    rows = {text(div.select("dt")[0]): text(div.select("dd")[0]) for div in header}
    assert rows["Exploitant"] == "entreprise"


def test_markdown_reasons_context_and_coverage() -> None:
    md = MarkdownRenderer().render(load_fixture("range"), lang="fr")
    assert "**Selon la réponse à ces points, le niveau irait de" in md
    assert "- **À vérifier** · Serveurs de l’outil" in md
    assert "**Ce que couvre ce rapport**" in md
    md = MarkdownRenderer().render(load_fixture("precautions"), lang="en")
    assert "**What the context of use changes**" in md
    assert "- **Context** · Sans donnée personnelle" in md
    assert "### Usual addresses tried without success (2)" in md


@pytest.mark.browser
@pytest.mark.skipif(
    not __import__("pathlib").Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium"
)
@pytest.mark.parametrize("name", ["precautions", "range"])
def test_classifier_reports_in_chromium(name: str, tmp_path: Any) -> None:
    """Rendered, nothing fetched, nothing run, the inlined screenshot shown, no sideways scroll."""
    from tests.render.conftest import hostile
    from tests.render.test_browser import _open

    report = hostile(load_fixture(name))
    report["evidence_bundle"]["screenshots"] = [
        {"path": "files/screenshot-entry.png", "media_type": "image/png", "data_base64": PNG}
    ]
    for lang in ("fr", "en"):
        seen = _open(HtmlRenderer().render(report, lang=lang), tmp_path, width=640)
        assert seen["outgoing"] == [] and seen["dialogs"] == [] and seen["scripts"] == 0
        assert seen["scroll_width"] <= 640
