"""An installed wheel (not the source tree) carries its rules and data and runs an audit."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers import cli_network_args
from tests.testweb.web import TestWeb

ROOT = Path(__file__).resolve().parents[1]
SITES = Path(__file__).parent / "testweb" / "sites"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("rgpd_check-*.whl")
    return built


def test_wheel_contains_rules_data_schemas_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "rgpd_check/builtin/rules/hosting.yaml",
        "rgpd_check/builtin/rules/data/levels.yaml",
        "rgpd_check/builtin/rules/data/trackers.yaml",
        "rgpd_check/builtin/rules/VERSION",
        "rgpd_check/schemas/report.schema.json",
        "rgpd_check/schemas/facts.schema.json",
    ):
        assert expected in names, expected
    assert any(n.startswith("rgpd_check/render/") and n.endswith(".html") for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_an_audit_outside_the_source_tree(
    wheel: Path, testweb: TestWeb, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    where = subprocess.run(
        [str(python), "-c", "import rgpd_check.resources as r; print(r.rules_dir())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout and "builtin" in where.stdout
    testweb.load_sites(SITES)
    out = tmp_path / "report"
    result = subprocess.run(
        [
            str(python),
            "-m",
            "rgpd_check",
            "audit",
            testweb.url("edu-pad.test", https=True),
            "--out",
            str(out),
            *cli_network_args(testweb),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "report.json").read_text())["findings"]
