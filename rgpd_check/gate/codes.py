"""Every reason the gate can give, with a short bilingual description.

The codes are stable identifiers: CI tools use them as check names (Code Quality) and rule
ids (SARIF), and ``docs/ci-gate.md`` lists them.
"""

from __future__ import annotations

CODES: dict[str, dict[str, str]] = {
    "level-worse": {
        "fr": "Niveau pire que le niveau accepté",
        "en": "Level worse than the accepted level",
    },
    "level-unknown": {
        "fr": "Niveau « à vérifier » (échec avec --strict)",
        "en": "Level 'to be verified' (fails with --strict)",
    },
    "new-tracker": {
        "fr": "Nouveau traceur depuis l'approbation",
        "en": "New tracker since approval",
    },
    "new-third-party": {
        "fr": "Nouveau tiers depuis l'approbation",
        "en": "New third party since approval",
    },
    "hosting-non-eea": {
        "fr": "Hébergement hors EEE apparu depuis l'approbation",
        "en": "Hosting outside the EEA since approval",
    },
    "hosting-changed": {
        "fr": "Nouveau pays d'hébergement dans l'EEE",
        "en": "New hosting country inside the EEA",
    },
    "hosting-unknown": {
        "fr": "Hébergement non établi : comparaison impossible",
        "en": "Hosting not established: cannot compare",
    },
    "provider-changed": {
        "fr": "Nouvel hébergeur depuis l'approbation",
        "en": "New hosting provider since approval",
    },
    "document-changed": {
        "fr": "Texte d'un document épinglé modifié",
        "en": "Pinned document text changed",
    },
    "document-missing": {
        "fr": "Document épinglé introuvable",
        "en": "Pinned document no longer found",
    },
    "document-unread": {
        "fr": "Document épinglé non lu par cet audit",
        "en": "Pinned document not read by this audit",
    },
    "document-moved": {
        "fr": "Document épinglé déplacé, texte identique",
        "en": "Pinned document moved, same text",
    },
    "document-new": {
        "fr": "Nouveau document non épinglé",
        "en": "New document, not pinned",
    },
    "normalisation-changed": {
        "fr": "Version de normalisation du texte changée : ré-épingler",
        "en": "Text normalisation version changed: re-pin",
    },
    "approval-expired": {
        "fr": "Approbation échue (review_by dépassé)",
        "en": "Approval expired (review_by passed)",
    },
    "approval-due": {
        "fr": "Revue de l'approbation bientôt due",
        "en": "Approval review due soon",
    },
    "waiver-expired": {
        "fr": "Dérogation échue",
        "en": "Waiver expired",
    },
    "waiver-unused": {
        "fr": "Dérogation devenue inutile",
        "en": "Waiver no longer needed",
    },
    "waivers-applied": {
        "fr": "Niveau calculé sans les constats couverts par une dérogation",
        "en": "Level computed without the waived findings",
    },
    "no-baseline": {
        "fr": "Aucune référence épinglée (échec avec --strict)",
        "en": "No pinned baseline (fails with --strict)",
    },
    "no-audit": {
        "fr": "Aucun audit stocké pour cet outil",
        "en": "No stored audit for this tool",
    },
    "audit-failed": {
        "fr": "L'audit en direct n'a rien pu collecter",
        "en": "The live audit could not collect anything",
    },
    "no-url": {
        "fr": "Aucune URL à auditer",
        "en": "No URL to audit",
    },
    "bundle-unreadable": {
        "fr": "Preuves de l'audit stocké illisibles",
        "en": "Stored audit evidence unreadable",
    },
}


def describe(code: str) -> dict[str, str]:
    return CODES.get(code, {"fr": code, "en": code})
