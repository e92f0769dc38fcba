"""The catalog's closed vocabularies (categories, audiences, fact topics) with their labels.

Kept in one place so the loader, the batch and the website agree on ids; labels are
French first, English second.
"""

from __future__ import annotations

from rgpd_check.analyze.discovery import DOCUMENT_TYPES

CATEGORIES: dict[str, dict[str, str]] = {
    "classe-virtuelle": {
        "fr": "Classe virtuelle et visioconférence",
        "en": "Virtual classroom and video calls",
    },
    "messagerie": {"fr": "Messagerie", "en": "Messaging"},
    "mur-collaboratif": {"fr": "Mur collaboratif", "en": "Collaborative wall"},
    "quiz": {"fr": "Quiz, sondages et formulaires", "en": "Quizzes, polls and forms"},
    "traitement-de-texte": {
        "fr": "Traitement de texte collaboratif",
        "en": "Collaborative writing",
    },
    "stockage": {"fr": "Stockage et partage de fichiers", "en": "File storage and sharing"},
    "creation-contenus": {"fr": "Création de contenus", "en": "Content creation"},
    "video": {"fr": "Vidéo", "en": "Video"},
    "plateforme-cours": {"fr": "Plateforme de cours", "en": "Course platform"},
    "suite-collaborative": {"fr": "Suite collaborative", "en": "Collaboration suite"},
    "vie-scolaire": {"fr": "Vie scolaire", "en": "School administration"},
    "ent": {"fr": "Espace numérique de travail (ENT)", "en": "Digital workspace (ENT)"},
}

# From the least to the most demanding: the batch audits with the last one present.
AUDIENCES: dict[str, dict[str, str]] = {
    "teachers": {"fr": "Enseignants seulement", "en": "Teachers only"},
    "pupils-anonymous": {"fr": "Élèves sans compte", "en": "Pupils without accounts"},
    "pupils-accounts": {"fr": "Élèves avec compte", "en": "Pupils with accounts"},
}

# From the youngest (most demanding) to the oldest.
SCHOOL_LEVELS: dict[str, dict[str, str]] = {
    "ecole": {"fr": "École", "en": "Primary school"},
    "college": {"fr": "Collège", "en": "Lower secondary"},
    "lycee": {"fr": "Lycée", "en": "Upper secondary"},
}

FACT_TOPICS: dict[str, dict[str, str]] = {
    "hosting": {"fr": "Hébergement et transferts", "en": "Hosting and transfers"},
    "dpa": {"fr": "Contrat de sous-traitance (art. 28)", "en": "Processing agreement (Art. 28)"},
    "minors": {"fr": "Mineurs et âge minimum", "en": "Minors and minimum age"},
    "ads": {"fr": "Publicité et traceurs", "en": "Advertising and tracking"},
    "plans": {"fr": "Offres et conditions", "en": "Plans and terms"},
    "secnumcloud": {"fr": "SecNumCloud et qualifications", "en": "SecNumCloud and certifications"},
    "vendor": {"fr": "Éditeur", "en": "Vendor"},
    "other": {"fr": "Autres informations", "en": "Other information"},
}

VENDOR_KINDS: dict[str, dict[str, str]] = {
    "state": {"fr": "Service public", "en": "Public service"},
    "company": {"fr": "Entreprise", "en": "Company"},
    "association": {"fr": "Association", "en": "Non-profit"},
    "individual": {"fr": "Particulier", "en": "Individual"},
    "community": {"fr": "Projet communautaire", "en": "Community project"},
}


__all__ = [
    "AUDIENCES",
    "CATEGORIES",
    "DOCUMENT_TYPES",
    "FACT_TOPICS",
    "SCHOOL_LEVELS",
    "STANCE_LEVELS",
    "VENDOR_KINDS",
    "most_demanding_audience",
    "youngest_level",
]

STANCE_LEVELS = ("recommande", "precautions", "deconseille", "a-proscrire", "a-verifier")


def most_demanding_audience(audiences: list[str]) -> str:
    """Pupils with accounts weigh more than anonymous pupils, who weigh more than teachers."""
    order = list(AUDIENCES)
    return max(audiences, key=order.index)


def youngest_level(levels: list[str]) -> str:
    """The youngest pupils set the strictest checks (art. 8 ages, parental consent)."""
    order = list(SCHOOL_LEVELS)
    return min(levels, key=order.index)
