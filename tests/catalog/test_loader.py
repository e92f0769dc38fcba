"""Catalog validation: every problem as file:line:col, and the shipped catalog's provenance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rgpd_check.catalog.loader import CatalogError, check_catalog, load_catalog
from rgpd_check.cli import main
from tests.catalog.fakes import write_tool

TODAY = dt.date(2026, 6, 1)


def problems(root: Path) -> list[str]:
    catalog, found = check_catalog(root, today=TODAY)
    assert catalog is None
    return [str(p) for p in found]


def test_valid_catalog_loads(tmp_path: Path) -> None:
    write_tool(tmp_path, "alpha", extra="alternatives: [beta]\n")
    write_tool(tmp_path, "beta", audiences="teachers, pupils-accounts", levels="lycee, ecole")
    catalog = load_catalog(tmp_path, today=TODAY)
    assert [t.id for t in catalog.tools] == ["alpha", "beta"]
    beta = catalog.by_id["beta"]
    # The most demanding context is audited, and the tool says it was narrowed.
    assert (beta.context.audit_audience, beta.context.audit_school_level) == (
        "pupils-accounts",
        "ecole",
    )
    assert beta.context.narrowed
    assert beta.audit_urls == ["https://beta.example/", "https://beta.example/c"]
    assert catalog.by_id["alpha"].facts[1].provenance.unverified


def test_missing_key_and_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "id: x\nname: X\ncategory: quiz\nurls: {entry: ['https://x.example/']}\n"
        "context: {audience: [teachers], school_levels: [lycee]}\nfact: []\n",
        encoding="utf-8",
    )
    found = problems(tmp_path)
    assert f"{tmp_path / 'x.yaml'}:1:1: missing required key 'vendor'" in found
    assert f"{tmp_path / 'x.yaml'}:6:1: fact: unknown key 'fact' (did you mean 'facts'?)" in found


def test_vocabulary_errors_point_at_the_value(tmp_path: Path) -> None:
    path = write_tool(tmp_path, "x", category="messagerei", audiences="pupil-accounts")
    found = problems(tmp_path)
    assert any(
        p.startswith(f"{path}:10:11: category: unknown category 'messagerei'")
        and "did you mean 'messagerie'" in p
        for p in found
    ), found
    assert any(p.startswith(f"{path}:16:14: context.audience[0]: unknown audience") for p in found)


def test_provenance_is_required_and_exclusive(tmp_path: Path) -> None:
    path = write_tool(
        tmp_path,
        "x",
        extra=(
            "  - topic: minors\n    text: Âge minimum 13 ans.\n    source: https://x.example/a\n"
            "  - topic: ads\n    text: Pas de publicité.\n    source: https://x.example/b\n"
            "    verified_on: 2026-01-01\n    unverified: true\n"
        ),
    )
    found = problems(tmp_path)
    assert f"{path}:27:5: facts[2]: provenance: add 'verified_on: YYYY-MM-DD' (when the source" \
        " was checked) or 'unverified: true'" in found
    assert f"{path}:30:5: facts[3]: give either 'verified_on' or 'unverified: true', not both" \
        in found


def test_dates_urls_and_stance(tmp_path: Path) -> None:
    path = write_tool(
        tmp_path,
        "x",
        extra=(
            "stance:\n  who: Académie\n  what: Interdit.\n  source: ftp://x.example/\n"
            "  date: 2027-01\n  level: interdit\n  verified_on: 2026-02-28\n"
        ),
    )
    found = "\n".join(problems(tmp_path))
    assert f"{path}:30:11: stance.source: not an http(s) URL: 'ftp://x.example/'" in found
    assert f"{path}:31:9: stance.date: date in the future: 2027-01" in found
    assert f"{path}:32:10: stance.level: unknown stance level 'interdit'" in found
    assert "verified_on" not in found
    path.write_text(path.read_text("utf-8").replace("2026-02-28", "2026-02-30"), "utf-8")
    # The impossible date no longer hides the file's other problems: all are reported.
    assert f"{path}:33:16: impossible date '2026-02-30' (YYYY-MM-DD)" in problems(tmp_path)


def test_cross_file_references_and_ids(tmp_path: Path) -> None:
    write_tool(tmp_path, "alpha", extra="alternatives: [alhpa, gamma, beta]\n")
    beta = write_tool(tmp_path, "beta")
    beta.write_text(beta.read_text(encoding="utf-8").replace("id: beta", "id: bêta"), "utf-8")
    found = problems(tmp_path)
    alpha = tmp_path / "alpha.yaml"
    assert f"{alpha}:27:16: alternatives[0]: a tool cannot be its own alternative" not in found
    assert any(p.startswith(f"{alpha}:27:23: alternatives[1]: unknown alternative 'gamma'")
               for p in found), found
    assert any(p.startswith(f"{alpha}:27:16: alternatives[0]: unknown alternative 'alhpa'")
               and "did you mean 'alpha'" in p for p in found), found
    assert any(p.startswith(f"{beta}:1:5: id: id must be lower-case") for p in found), found


def test_yaml_problems(tmp_path: Path) -> None:
    (tmp_path / "dup.yaml").write_text("id: dup\nid: dup\n", encoding="utf-8")
    (tmp_path / "syntax.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    found = problems(tmp_path)
    assert f"{tmp_path / 'dup.yaml'}:2:1: duplicate key 'id' (first at line 1)" in found
    assert any(p.startswith(f"{tmp_path / 'syntax.yaml'}:2:1: YAML syntax error") for p in found)


def test_every_problem_at_once_then_cli_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tool(tmp_path, "a", category="nope")
    write_tool(tmp_path, "b", levels="maternelle")
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path, today=TODAY)
    assert len(error.value.problems) == 2
    with pytest.raises(SystemExit) as exited:
        main(["catalog", "validate", str(tmp_path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{tmp_path / 'a.yaml'}:10:11: category: unknown category 'nope'")
    assert err[1].startswith(f"{tmp_path / 'b.yaml'}:17:19: context.school_levels[0]")
    assert err[-1].startswith("2 erreur(s)")


def test_empty_or_missing_folder(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"{tmp_path}:1:1: no tool file (*.yaml) in the catalog folder"]
    assert problems(tmp_path / "nope")[0].endswith("catalog folder not found")
