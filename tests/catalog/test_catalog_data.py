"""The shipped catalog: real tools, every statement sourced, references that resolve."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from rgpd_check.catalog.loader import load_catalog
from rgpd_check.catalog.model import Catalog, Sourced

# Tools the issue names; each must be in the catalog (ids as shipped).
NAMED = (
    "discord", "framapad", "framaforms", "zoom", "google-workspace-education",
    "microsoft-teams", "padlet", "kahoot", "quizlet", "jitsi-meet", "apps-education-visio",
    "apps-education-nuage", "apps-education-tube", "digipad", "tchap", "classdojo", "whatsapp",
    "genially", "wooclap", "pronote", "canva", "moodle-elea", "edpuzzle", "learningapps",
    "plickers", "e-primo",
)  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def statements(catalog: Catalog) -> list[tuple[str, Sourced]]:
    found = []
    for tool in catalog.tools:
        found.append((f"{tool.id}.vendor", tool.vendor.provenance))
        found += [(f"{tool.id}.facts[{i}]", f.provenance) for i, f in enumerate(tool.facts)]
    return found


def test_at_least_thirty_real_tools_including_the_named_ones(catalog: Catalog) -> None:
    assert len(catalog) >= 30
    assert set(NAMED) <= set(catalog.by_id)
    assert len({t.name for t in catalog.tools}) == len(catalog)


def test_every_statement_has_a_source_and_a_provenance(catalog: Catalog) -> None:
    for where, item in statements(catalog):
        assert urlsplit(item.source).scheme in ("http", "https"), where
        assert (item.verified_on is None) == item.unverified, where


def test_a_real_share_of_statements_was_checked(catalog: Catalog) -> None:
    checked = [w for w, item in statements(catalog) if item.verified_on]
    assert len(checked) >= 30
    tools_with_checked_fact = {
        t.id for t in catalog.tools if any(f.provenance.verified_on for f in t.facts)
    }
    assert len(tools_with_checked_fact) >= 20


def test_stances_are_sourced_dated_and_leveled(catalog: Catalog) -> None:
    stances = {t.id: t.stance for t in catalog.tools if t.stance}
    assert {"discord", "google-workspace-education", "microsoft-teams", "whatsapp"} <= set(
        stances
    )
    for tool_id, stance in stances.items():
        assert urlsplit(stance.source).scheme in ("http", "https"), tool_id
        assert stance.who and stance.what and stance.date[:4].isdigit(), tool_id
        assert (stance.verified_on is None) == stance.unverified, tool_id
    assert stances["discord"].level == "a-proscrire"
    assert stances["google-workspace-education"].level == "a-proscrire"
    assert stances["tchap"].level == "recommande"


def test_alternatives_resolve_and_discouraged_tools_offer_one(catalog: Catalog) -> None:
    ids = set(catalog.by_id)
    for tool in catalog.tools:
        assert set(tool.alternatives) <= ids, tool.id
        assert tool.id not in tool.alternatives
        if tool.stance and tool.stance.level in ("deconseille", "a-proscrire"):
            assert tool.alternatives, f"{tool.id} is discouraged but proposes no alternative"
    # Alternatives are themselves not discouraged by an official stance.
    for tool in catalog.tools:
        for other in tool.alternatives:
            stance = catalog.by_id[other].stance
            assert stance is None or stance.level not in ("deconseille", "a-proscrire")


def test_state_services_and_unknowns_stay_honest(catalog: Catalog) -> None:
    assert catalog.by_id["tchap"].vendor.kind == "state"
    assert catalog.by_id["tchap"].context.audience == ("teachers",)
    # No readable source gives Wooclap's seat: it stays unknown.
    assert catalog.by_id["wooclap"].vendor.country == "unknown"
