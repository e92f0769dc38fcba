"""Hostile YAML: every loader answers random text and damaged files with a clear error.

For the rules, the catalog and the approved list (and the knowledge files), both random YAML
text and structured mutations of a valid file must either load or raise an
``RgpdCheckError`` subclass with a message — never another exception, never a hang. YAML
bombs (alias explosions) are refused or handled in bounded time.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rgpd_check.errors import RgpdCheckError
from rgpd_check.resources import catalog_dir, rules_dir

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

APPROVED = """version: 1
academy: Académie fictive
defaults:
  context: {audience: pupils-accounts, school_levels: [college]}
tools:
  - id: edupad
    name: EduPad
    url: https://edu-pad.example/
    accepted_level: precautions
    approved_by: DPO académique
    approved_on: 2026-01-15
    review_by: 2027-01-15
    waivers:
      - {finding: MIN-001, until: 2026-12-31, reason: "Contrat en cours / contract pending"}
"""

YAML_TOKENS = st.sampled_from([
    "{", "}", "[", "]", ": ", "- ", "? ", "&a ", "*a", "!!str ", "!!python/object:os.system ",
    "!!binary ", "%YAML 1.1\n", "---\n", "...\n", "\t", "\n", "  ", "#", "'", '"', "|\n", ">\n",
    "id", "rules", "tools", "when", "fact", "op", "value", "2026-13-45", "1e999", "~", "null",
    "\x00", "\ufeff", "é", "<<: *a", "version", "family", "url", "../../etc/passwd",
])
RANDOM_YAML = st.one_of(
    st.text(max_size=300),
    st.lists(YAML_TOKENS, max_size=40).map("".join),
)
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["../../etc", "$nope", "*", "2026-02-30", "", " ", "javascript:alert(1)",
                       "<script>alert(1)</script>", "x" * 5000]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=8,
)


def _locations(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [loc]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*loc, index))
    return found


def _mutated(document: Any, loc: tuple[Any, ...], value: Any, delete: bool) -> Any:
    doc = copy.deepcopy(document)
    if not loc:
        return value
    parent = doc
    for part in loc[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[loc[-1]]
    elif delete and isinstance(parent, list):
        parent.pop(loc[-1])
    else:
        parent[loc[-1]] = value
    return doc


def _dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def expect_clear_error(load: Callable[[], Any]) -> None:
    """Loading either works or raises a project error with a message; nothing else."""
    try:
        load()
    except RgpdCheckError as error:
        assert str(error).strip(), "an error must say what is wrong"
    # Any other exception type propagates and fails the test.


# -- the loaders under test ------------------------------------------------------------------

def load_rule_text(folder: Path, text: str) -> None:
    from rgpd_check.rules import load_rules

    path = folder / "minors.yaml"  # the family must match the file name
    path.write_text(text, encoding="utf-8")
    load_rules([path], include_builtin=False)


def load_catalog_text(folder: Path, text: str) -> None:
    from rgpd_check.catalog.loader import load_catalog

    root = folder / "catalog"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    # Named after the valid file's id, so mutations are judged on content, not on the name.
    (root / f"{CATALOG_ID}.yaml").write_text(text, encoding="utf-8")
    load_catalog(root)


def load_approved_text(folder: Path, text: str) -> None:
    from rgpd_check.gate.loader import load_approved

    path = folder / "approved.yaml"
    path.write_text(text, encoding="utf-8")
    load_approved(path)


def load_knowledge_text(folder: Path, text: str) -> None:
    from rgpd_check.knowledge import read_countries, read_providers, read_trackers

    path = folder / "data.yaml"
    path.write_text(text, encoding="utf-8")
    for read in (read_countries, read_providers, read_trackers):
        expect_clear_error(lambda read=read: read(path))  # type: ignore[misc]


LOADERS = {
    "rules": load_rule_text,
    "catalog": load_catalog_text,
    "approved": load_approved_text,
    "knowledge": load_knowledge_text,
}


def _valid_documents() -> dict[str, Any]:
    catalog_files = sorted(catalog_dir().glob("*.yaml"))
    return {
        "rules": yaml.safe_load((rules_dir() / "minors.yaml").read_text(encoding="utf-8")),
        "catalog": yaml.safe_load(catalog_files[0].read_text(encoding="utf-8")),
        "approved": yaml.safe_load(APPROVED),
    }


VALID = _valid_documents()
CATALOG_ID = str(VALID["catalog"]["id"])


@pytest.fixture(scope="module")
def folder() -> Any:
    with tempfile.TemporaryDirectory(prefix="hostile-yaml-") as tmp:
        yield Path(tmp)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_the_valid_documents_load(folder: Path, kind: str) -> None:
    LOADERS[kind](folder, _dump(VALID[kind]))


# Examples these tests found in the loaders (all fixed since), kept as regressions.


@pytest.mark.parametrize("kind", sorted(LOADERS))
@SETTINGS
@given(text=RANDOM_YAML)
def test_random_yaml_text_gives_a_clear_error(folder: Path, kind: str, text: str) -> None:
    expect_clear_error(lambda: LOADERS[kind](folder, text))


@pytest.mark.parametrize("kind", sorted(LOADERS))
@pytest.mark.parametrize("text", ["!!python/object:os.system : ", "? 2026-13-45", "?"])
def test_found_examples(folder: Path, kind: str, text: str) -> None:
    expect_clear_error(lambda: LOADERS[kind](folder, text))


def test_found_catalog_mutation(folder: Path) -> None:
    text = _dump(_mutated(VALID["catalog"], ("urls", "entry", 0), [], False))
    expect_clear_error(lambda: LOADERS["catalog"](folder, text))


def _mutation_test(kind: str) -> Any:
    locations = _locations(VALID[kind])

    @SETTINGS
    @given(loc=st.sampled_from(locations), value=JUNK, delete=st.booleans())
    def test(folder: Path, loc: tuple[Any, ...], value: Any, delete: bool) -> None:
        text = _dump(_mutated(VALID[kind], loc, value, delete))
        expect_clear_error(lambda: LOADERS[kind](folder, text))

    test.__name__ = f"test_damaged_{kind}_file_gives_a_clear_error"
    return test


test_damaged_rules_file_gives_a_clear_error = _mutation_test("rules")
test_damaged_catalog_file_gives_a_clear_error = _mutation_test("catalog")
test_damaged_approved_list_gives_a_clear_error = _mutation_test("approved")


BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
    + ["rules: *i", "tools: *i", "family: *i", "version: 1", "id: *i"]
)
HOSTILE_TEXTS = {
    "billion_laughs": BILLION_LAUGHS,
    "python_object_tag": "!!python/object/apply:os.system ['echo pwned > /tmp/pwned']\n",
    "deep_nesting": "[" * 5000 + "]" * 5000,
    "huge_scalar": "id: " + "x" * 2_000_000 + "\n",
    "binary_garbage": "\x00\x01\x02\xff\ufffe" * 100,
    "duplicate_keys": "id: a\nid: b\nid: c\n",
    "empty": "",
    "only_comment": "# nothing\n",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", sorted(LOADERS))
@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_hostile_yaml_is_refused_in_bounded_time(folder: Path, kind: str, name: str) -> None:
    expect_clear_error(lambda: LOADERS[kind](folder, HOSTILE_TEXTS[name]))
    assert not Path("/tmp/pwned").exists()
