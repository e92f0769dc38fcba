"""Folding is accent-, case- and apostrophe-insensitive and maps back to exact offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.analyze.documents.normalize import fold, fold_pattern, fold_slow, fold_text


def test_fold_plain_forms() -> None:
    folded = fold("L’Hébergeur  «\u00a0Œuvre\u00a0»\nn’est pas – theAgreement")
    assert folded.folded == "l'hebergeur \" oeuvre \" n'est pas - the agreement"


def test_original_span_is_exact() -> None:
    text = "Nous ne vendons jamais vos données."
    folded = fold(text)
    start = folded.folded.index("vos donnees")
    o_start, o_end = folded.original_span(start, start + len("vos donnees"))
    assert text[o_start:o_end] == "vos données"


def test_fold_pattern_keeps_regex_escapes() -> None:
    assert fold_pattern(r"\bDonnées\W+à\S") == r"\bDonnees\W+a\S"


@given(st.text(alphabet=st.sampled_from(list("abcÉé’ «»\n\u00a0Œ-.xYZ")), max_size=60))
def test_every_folded_span_maps_inside_the_text(text: str) -> None:
    folded = fold(text)
    assert len(folded.to_original) == len(folded.folded) + 1
    for start in range(len(folded.folded)):
        o_start, o_end = folded.original_span(start, start + 1)
        assert 0 <= o_start < o_end <= len(text)


_ALPHABET = " \n\t\u00a0\u00ad\u200bAaBbZzÉéèœŒ’–…ßİıſ.,(dpo)가"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_fast_fold_is_the_reference_fold(text: str) -> None:
    assert fold(text) == fold_slow(text)
    assert fold_text(text) == fold_slow(text).folded


def test_fast_fold_on_a_long_mixed_text() -> None:
    text = "L\u2019H\u00e9bergeur  theAgreement\n\n\u00ad x \u0152uvre \u2026 " * 500
    assert fold(text) == fold_slow(text)
