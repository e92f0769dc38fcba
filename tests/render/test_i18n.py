"""Message catalogs, localised dates and numbers, French typography."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from rgpd_check.render.i18n import (
    LANGUAGES,
    NARROW_NBSP,
    Messages,
    check_lang,
    french_typography,
    load_catalog,
)
from rgpd_check.render.interface import RenderError
from rgpd_check.render.view import FAMILIES, LEVELS, RELIABILITIES, SEVERITIES

NNBSP = NARROW_NBSP


def test_catalogs_have_exactly_the_same_keys() -> None:
    fr, en = load_catalog("fr"), load_catalog("en")
    assert sorted(set(fr) - set(en)) == []
    assert sorted(set(en) - set(fr)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_message(lang: str) -> None:
    for key, value in load_catalog(lang).items():
        assert value not in (None, "", []), key
        if isinstance(value, list):
            assert all(str(item).strip() for item in value), key
        elif not key.endswith("_separator"):  # a separator may be only a space
            assert str(value).strip(), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_between_languages(lang: str) -> None:
    """A translation that drops or renames ``{count}`` would crash at render time."""
    import string

    def names(text: object) -> set[str]:
        if not isinstance(text, str):
            return set()
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    other = "en" if lang == "fr" else "fr"
    mine, theirs = load_catalog(lang), load_catalog(other)
    for key, value in mine.items():
        assert names(value) == names(theirs[key]), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_a_label(lang: str) -> None:
    m = Messages(lang)
    for prefix, codes in (
        ("level", LEVELS),
        ("level.summary", LEVELS),
        ("severity", SEVERITIES),
        ("reliability", RELIABILITIES),
        ("reliability.legend", RELIABILITIES),
        ("family", FAMILIES),
        ("audience", ("teachers", "pupils-anonymous", "pupils-accounts")),
        ("school_level", ("ecole", "college", "lycee")),
        ("annex.collection_status", ("complete", "partial", "failed")),
        ("evidence", ("http", "dns", "ipdata", "browser", "document")),
    ):
        for code in codes:
            assert m.has(f"{prefix}.{code}"), f"{lang}: {prefix}.{code}"


def test_level_labels() -> None:
    fr, en = Messages("fr"), Messages("en")
    assert [fr.label("level", lv) for lv in LEVELS] == [
        "Recommandé",
        "Utilisable avec précautions",
        "Déconseillé",
        "À proscrire",
        "À vérifier",
    ]
    assert [en.label("level", lv) for lv in LEVELS] == [
        "Recommended",
        "Use with precautions",
        "Not recommended",
        "Prohibited",
        "To be verified",
    ]


def test_unknown_code_falls_back_to_itself() -> None:
    assert Messages("fr").label("failure_reason", "brand_new_reason") == "brand_new_reason"


def test_datetime_formats() -> None:
    moment = datetime(2026, 11, 29, 18, 7, tzinfo=UTC)
    assert Messages("fr").datetime(moment) == "29 novembre 2026 à 18 h 07"
    assert Messages("en").datetime(moment) == "29 November 2026, 18:07 UTC"


def test_datetime_is_shown_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 1, 8, 5, tzinfo=paris)
    assert Messages("fr").datetime(moment) == "1er décembre 2026 à 7 h 05"
    assert Messages("en").datetime(moment) == "1 December 2026, 07:05 UTC"


def test_when_reads_report_strings() -> None:
    fr, en = Messages("fr"), Messages("en")
    assert fr.when("2026-11-29T18:07:12Z") == "29 novembre 2026 à 18 h 07"
    assert fr.when("2020-03-27") == "27 mars 2020"
    assert en.when("2020-08-01") == "1 August 2020"
    assert fr.date(date(2020, 8, 1)) == "1er août 2020"
    assert fr.when("sometime") == "sometime"


def test_numbers_and_sizes() -> None:
    fr, en = Messages("fr"), Messages("en")
    assert fr.number(1250) == f"1{NNBSP}250"
    assert en.number(1250) == "1,250"
    assert fr.number(12.5) == "12,5"
    assert en.number(12.5) == "12.5"
    assert fr.size(483_210) == "483,2 ko"
    assert en.size(483_210) == "483.2 kB"
    assert fr.size(512) == "512 o"
    assert en.size(2_500_000) == "2.5 MB"


def test_plural_forms() -> None:
    fr, en = Messages("fr"), Messages("en")
    assert fr.tn("summary.counts.risks", 0) == "0 risque relevé"
    assert fr.tn("summary.counts.risks", 1) == "1 risque relevé"
    assert fr.tn("summary.counts.risks", 2) == "2 risques relevés"
    assert en.tn("summary.counts.risks", 0) == "0 risks found"
    assert en.tn("summary.counts.risks", 1) == "1 risk found"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rapport RGPD : outil", f"Rapport RGPD{NNBSP}: outil"),
        ("Niveau: x", f"Niveau{NNBSP}: x"),
        ("a ; b", f"a{NNBSP}; b"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("Attention !", f"Attention{NNBSP}!"),
        ("Quoi ?!", f"Quoi{NNBSP}?!"),
        ("les « points »", f"les «{NNBSP}points{NNBSP}»"),
        ("«points»", f"«{NNBSP}points{NNBSP}»"),
        ("voir https://a.example/?q=1 ici", "voir https://a.example/?q=1 ici"),
        ("à 18:07", "à 18:07"),
        (f"déjà{NNBSP}: fait", f"déjà{NNBSP}: fait"),
    ],
)
def test_french_typography(text: str, expected: str) -> None:
    assert french_typography(text) == expected


def test_typography_is_idempotent() -> None:
    text = "Note : les « points » ; vraiment ?"
    assert french_typography(french_typography(text)) == french_typography(text)


def test_typography_applies_to_catalog_not_to_values() -> None:
    """Values put into a message are evidence or names: they stay as they were."""
    out = Messages("fr").t("document.title", tool="Outil : « test » ?")
    assert out == f"Rapport RGPD{NNBSP}: Outil : « test » ?"


def test_english_has_no_french_spacing() -> None:
    assert NNBSP not in Messages("en").t("document.title", tool="x")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(RenderError, match="expected one of fr, en"):
        check_lang("de")
    with pytest.raises(RenderError):
        Messages("de")
