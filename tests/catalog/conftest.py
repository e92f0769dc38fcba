"""A built website shared by the site tests: the shipped catalog, a few stored audits and an
approved list (built once per module; tests only read it)."""

from __future__ import annotations

import pytest

from rgpd_check.catalog.loader import load_catalog
from rgpd_check.catalog.model import Catalog
from rgpd_check.catalog.site import SiteResult, build_site
from rgpd_check.rules import RuleSet, load_rules
from tests.catalog.fakes import fake_run

APPROVED = """\
tools:
  - id: digipad
    accepted_level: precautions
    conditions:
      - "Pas de nom complet d'élève : prénoms ou pseudonymes seulement."
      - "Informer les familles par le carnet de liaison."
    approved_by: "DPD de l'académie"
    approved_on: 2026-02-01
    review_by: 2027-02-01
  - id: zoom
    accepted_level: deconseille
    approved_by: "DPD de l'académie"
    approved_on: 2025-01-10
    review_by: 2025-06-30
"""


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The built-in rules, loaded once (the method and rule pages list them)."""
    return load_rules([], include_builtin=True)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, shipped: Catalog, ruleset: RuleSet
) -> SiteResult:
    root = tmp_path_factory.mktemp("site")
    reports = root / "reports"
    fake_run(reports, "digipad", "precautions", "2026-01-10T09:00:00Z")
    fake_run(reports, "digipad", "a-verifier", "2026-03-02T10:00:00Z")
    fake_run(reports, "zoom", "deconseille", "2026-03-01T08:30:00Z")
    fake_run(reports, "discord", "a-proscrire", "2026-03-01T08:00:00Z")
    fake_run(reports, "learningapps", "recommande", "2026-02-20T08:00:00Z")
    fake_run(reports, "padlet", "deconseille", "2026-03-03T08:00:00Z", status="failed")
    # A killed run: no run.json, never shown.
    (reports / "kahoot" / "20260303T080000Z" / "evidence").mkdir(parents=True)
    approved = root / "approved.yaml"
    approved.write_text(APPROVED, encoding="utf-8")
    return build_site(shipped, root / "site", reports=reports, approved=approved, ruleset=ruleset)
