"""Level labels as the level policy words them ("Utilisable avec précautions")."""

from __future__ import annotations

from functools import cache

from rgpd_check.classify import LevelPolicy, load_policy


@cache
def _policy() -> LevelPolicy:
    policy: LevelPolicy = load_policy()
    return policy


def level_label(level: str | None, lang: str = "fr") -> str:
    """The built-in policy's label of a level, or the level id itself when unknown."""
    if not level:
        return "—"
    try:
        return str(_policy().label(level, lang))
    except (KeyError, ValueError):
        return level


def level_text(level: str, lang: str = "fr") -> str:
    """Label and id, for messages: « Déconseillé » (deconseille)."""
    return (
        f"« {level_label(level, lang)} » ({level})"
        if lang == "fr"
        else (f"'{level_label(level, lang)}' ({level})")
    )
