"""The sites of the test web, audited for real: the level a data-protection officer would give.

The fictional sites (tests/testweb/sites/) are audited once each through the whole pipeline
(static mode, fast), then re-evaluated offline in other contexts. Expectations follow the
evidence each site really offers; where an upstream reader or knowledge base still misses
something a person sees on the page, the test says so (xfail) instead of bending the policy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.errors import InputError
from rgpd_check.schemas import report_errors
from tests.helpers import audit_site
from tests.testweb.web import TestWeb

SITES = Path(__file__).resolve().parents[1] / "testweb" / "sites"
HOSTS = ("edu-pad.test", "classquiz.test", "quizzou.test")


@pytest.fixture(scope="module")
def audits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each site audited once (default context: pupils with accounts, collège)."""
    folders = {}
    with TestWeb() as web:
        web.load_sites(SITES)
        for host in HOSTS:
            out = tmp_path_factory.mktemp(host.split(".")[0])
            audit_site(web, [web.url(host, https=True)], out, name=host)
            folders[host] = out
    return folders


def evaluate(
    folder: Path, audience: str = "pupils-accounts", level: str = "college"
) -> dict[str, Any]:
    return api.evaluate(
        folder, api.AuditOptions(audience=audience, school_level=level, formats=("json",))
    ).report


def rules(report: dict[str, Any], *effects: str) -> set[str]:
    return {r["rule"] for r in report["reasons"] if not effects or r.get("effect") in effects}


@pytest.mark.parametrize("host", HOSTS)
def test_reports_are_valid_and_never_green(audits: dict[str, Path], host: str) -> None:
    report = json.loads((audits[host] / "report.json").read_text(encoding="utf-8"))
    assert report_errors(report) == []
    assert report["context"]["is_default"] is True
    for audience in ("teachers", "pupils-anonymous", "pupils-accounts"):
        assert evaluate(audits[host], audience)["level"] != "recommande"  # no public operator


def test_edu_pad_pupils_with_accounts(audits: dict[str, Path]) -> None:
    """A French company's pad without any processing agreement: once pupils have accounts,
    the missing contract decides."""
    report = evaluate(audits["edu-pad.test"])
    assert report["level"] == "deconseille"
    assert "DPA-003" in rules(report, "decisive")
    assert any("contrat de sous-traitance" in action for action in report["actions"])


def test_edu_pad_context_changes_the_weight_of_the_contract(audits: dict[str, Path]) -> None:
    anonymous = evaluate(audits["edu-pad.test"], "pupils-anonymous")
    assert "DPA-003" not in rules(anonymous)
    if "DPA-004" in rules(anonymous, "decisive"):  # the missing contract: a precaution at most
        assert anonymous["level"] == "precautions"
    assert anonymous["context"]["audience"] == "pupils-anonymous"
    assert anonymous["context"]["is_default"] is False


def test_edu_pad_for_teachers_is_usable_or_to_verify(audits: dict[str, Path]) -> None:
    report = evaluate(audits["edu-pad.test"], "teachers")
    assert report["level"] in ("precautions", "a-verifier")


def test_classquiz_declares_us_hosting_and_13_plus(audits: dict[str, Path]) -> None:
    """Data declared stored in the US, accounts from 13: not recommended at collège."""
    report = evaluate(audits["classquiz.test"])
    assert report["level"] == "deconseille"
    assert rules(report, "decisive") & {"HOST-001", "HOST-013"}
    assert "MIN-001" in rules(report, "decisive")


def test_classquiz_at_lycee_the_age_limit_no_longer_counts(audits: dict[str, Path]) -> None:
    report = evaluate(audits["classquiz.test"], level="lycee")
    assert "MIN-001" not in rules(report)
    assert report["level"] == "deconseille"  # the US hosting still decides


def test_quizzou_is_at_least_not_recommended(audits: dict[str, Path]) -> None:
    report = evaluate(audits["quizzou.test"])
    assert report["level"] in ("deconseille", "a-proscrire")


def test_quizzou_advertising_reaching_pupils_is_prohibited(audits: dict[str, Path]) -> None:
    assert evaluate(audits["quizzou.test"])["level"] == "a-proscrire"


STANCE = {
    "who": "Académie fictive",
    "what": "Ne pas utiliser avec des élèves de primaire.",
    "source": "https://www.academie.example/avis",
    "date": "2026-10-01",
    "level": "a-proscrire",
}


def test_operator_and_stance_are_kept_for_evaluate(tmp_path: Path) -> None:
    """Catalog context (who runs the tool, an official stance) lives in the bundle: a later
    offline evaluation keeps the override and shows the computed level beside it."""
    with TestWeb() as web:
        web.load_sites(SITES)
        url = web.url("edu-pad.test", https=True)
        audit_site(web, [url], tmp_path, operator_kind="association", stance=STANCE)
    report = api.evaluate(tmp_path, api.AuditOptions(formats=("json", "html"))).report
    assert report["facts"]["context"]["operator_kind"] == "association"
    assert report["override"] == STANCE and report["level"] == "a-proscrire"
    assert report["computed_level"] != "a-proscrire"
    assert report["actions"][0].startswith("Respecter la position officielle (Académie fictive")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Position officielle" in html and "Niveau calculé par rgpd-check" in html
    with pytest.raises(InputError, match="unknown operator kind"):
        api.evaluate(tmp_path, api.AuditOptions(operator_kind="ministry"))


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_cli_writes_a_pdf(audits: dict[str, Path]) -> None:
    from click.testing import CliRunner

    from rgpd_check.cli import cli

    folder = audits["classquiz.test"]
    result = CliRunner().invoke(cli, ["evaluate", str(folder), "--format", "pdf", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF-")
