"""Rendered Markdown and HTML compared byte for byte with the files under golden/.

After a deliberate change to templates, CSS or catalogs, regenerate them and review the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/render/test_golden.py -q
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rgpd_check.render import get_renderer
from tests.render.conftest import load_fixture

GOLDEN = Path(__file__).parent / "golden"
# A hand-written report, and two written by the real classifier (policy reasons, a range).
FIXTURES = ("deconseille", "precautions", "range")


@pytest.mark.parametrize("fixture", FIXTURES)
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden(fmt: str, lang: str, fixture: str) -> None:
    renderer = get_renderer(fmt)
    rendered = renderer.render(load_fixture(fixture), lang=lang)
    path = GOLDEN / f"{fixture}.{lang}.{renderer.extension}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, f"{path.name} differs: review, then UPDATE_GOLDEN=1"
