"""``rgpd-check diff OLD NEW``: audit folders or report files, exit 0 whatever changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from rgpd_check.cli import cli

FIXTURES = Path(__file__).resolve().parents[1] / "render" / "fixtures"


def audit_dir(tmp_path: Path, name: str, fixture: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(FIXTURES / f"{fixture}.json", folder / "report.json")
    return folder


def test_diff_folders_in_text(tmp_path: Path) -> None:
    old = audit_dir(tmp_path, "old", "deconseille")
    new = audit_dir(tmp_path, "new", "override")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Comparaison de deux audits")
    assert "position officielle ajoutée" in result.output


def test_diff_files_in_json_to_a_file(tmp_path: Path) -> None:
    old = FIXTURES / "a_verifier.json"
    new = FIXTURES / "deconseille.json"
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(
        cli, ["diff", str(old), str(new), "--format", "json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["level"]["direction"] == "not_comparable"


def test_same_audit_exit_zero(tmp_path: Path) -> None:
    old = audit_dir(tmp_path, "old", "deconseille")
    result = CliRunner().invoke(cli, ["diff", str(old), str(old), "--format", "md", "--lang", "en"])
    assert result.exit_code == 0
    assert "No change between the two audits." in result.output


def test_missing_report_is_an_input_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    empty = tmp_path / "empty"
    empty.mkdir()
    old = audit_dir(tmp_path, "old", "deconseille")
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "diff", str(old), str(empty)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "no report (report.json)" in run.stderr and "Traceback" not in run.stderr
