"""The gate's checks: pure functions from (approved entry, current observation, date) to reasons.

Failures are what the academy must act on (a worse level, a new tracker, a new non-EEA host,
a changed document, an expired approval or waiver). What cannot be verified (level
"a-verifier", hosting or a document no longer known, a new text normalisation) warns, and
fails with ``strict``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rgpd_check.gate.labels import level_text
from rgpd_check.gate.model import UNKNOWN_LEVEL, ApprovedTool, PinnedDocument, is_worse
from rgpd_check.gate.observe import Observed
from rgpd_check.gate.result import FAIL, INFO, WARN, Reason

DUE_SOON_DAYS = 30


def _reason(code: str, severity: str, line: int, fr: str, en: str, subject: str = "") -> Reason:
    return Reason(
        code=code, severity=severity, message={"fr": fr, "en": en}, line=line, subject=subject
    )


def check_dates(tool: ApprovedTool, today: dt.date) -> list[Reason]:
    """Approval and waivers past their date; a review coming soon is noted."""
    reasons = []
    line = tool.line_of("review_by")
    if today > tool.review_by:
        reasons.append(
            _reason(
                "approval-expired",
                FAIL,
                line,
                f"approbation échue depuis le {tool.review_by} : revoir l'outil, puis mettre à jour"
                " review_by",
                f"approval expired on {tool.review_by}: review the tool, then update review_by",
            )
        )
    elif (tool.review_by - today).days <= DUE_SOON_DAYS:
        days = (tool.review_by - today).days
        reasons.append(
            _reason(
                "approval-due",
                INFO,
                line,
                f"revue à faire avant le {tool.review_by} (dans {days} j)",
                f"review due by {tool.review_by} (in {days} days)",
            )
        )
    reasons += [
        _reason(
            "waiver-expired",
            FAIL,
            waiver.line,
            f"dérogation pour {waiver.finding} échue depuis le {waiver.until}"
            f" ({waiver.reason}) : le constat compte de nouveau",
            f"waiver for {waiver.finding} expired on {waiver.until} ({waiver.reason}):"
            " the finding counts again",
            subject=waiver.finding,
        )
        for waiver in tool.waivers
        if today > waiver.until
    ]
    return reasons


def _unknown(strict: bool) -> str:
    return FAIL if strict else WARN


def check_level(tool: ApprovedTool, seen: Observed, strict: bool) -> list[Reason]:
    """The level (waivers applied) against the accepted one."""
    reasons = []
    line = tool.line_of("accepted_level")
    level = seen.level_with_waivers
    why = {
        lang: "; ".join(str(r.get("title")) for r in seen.reasons.get(lang, ())[:3]) or "—"
        for lang in ("fr", "en")
    }
    if level == UNKNOWN_LEVEL:
        reasons.append(
            _reason(
                "level-unknown",
                _unknown(strict),
                line,
                f"niveau « à vérifier » : des éléments n'ont pas pu être établis ({why['fr']})",
                f"level 'to be verified': some points could not be established ({why['en']})",
            )
        )
    elif is_worse(level, tool.accepted_level):
        reasons.append(
            _reason(
                "level-worse",
                FAIL,
                line,
                f"niveau {level_text(level)}, pire que le niveau accepté"
                f" {level_text(tool.accepted_level)} ({why['fr']})",
                f"level {level_text(level, 'en')} is worse than the accepted"
                f" {level_text(tool.accepted_level, 'en')} ({why['en']})",
            )
        )
    if seen.level != level:
        reasons.append(
            _reason(
                "waivers-applied",
                INFO,
                line,
                f"sans les dérogations ({', '.join(seen.waived_rules)}), le niveau serait"
                f" {level_text(seen.level)}",
                f"without the waivers ({', '.join(seen.waived_rules)}), the level would be"
                f" {level_text(seen.level, 'en')}",
            )
        )
    reasons += [
        _reason(
            "waiver-unused",
            INFO,
            waiver.line,
            f"la dérogation pour {waiver.finding} ne sert plus (aucun constat)",
            f"the waiver for {waiver.finding} is no longer needed (no finding)",
            subject=waiver.finding,
        )
        for waiver in tool.waivers
        if waiver.finding not in seen.waivable_rules
    ]
    return reasons


def _covered(domain: str, hosts: set[str]) -> bool:
    return any(h == domain or h.endswith("." + domain) for h in hosts)


def check_third_parties(tool: ApprovedTool, seen: Observed) -> list[Reason]:
    """New trackers fail; other new third parties warn (a tracker is not reported twice)."""
    assert tool.baseline is not None
    baseline = tool.baseline
    new_trackers = sorted(set(seen.tracker_domains) - set(baseline.tracker_domains))
    reasons = [
        _reason(
            "new-tracker",
            FAIL,
            baseline.line_of("tracker_domains"),
            f"nouveau traceur depuis l'approbation : {host}",
            f"new tracker since approval: {host}",
            subject=host,
        )
        for host in new_trackers
    ]
    reasons += [
        _reason(
            "new-third-party",
            WARN,
            baseline.line_of("third_party_domains"),
            f"nouveau tiers depuis l'approbation : {domain}",
            f"new third party since approval: {domain}",
            subject=domain,
        )
        for domain in sorted(set(seen.third_party_domains) - set(baseline.third_party_domains))
        if not _covered(domain, set(new_trackers))
    ]
    return reasons


def check_hosting(
    tool: ApprovedTool, seen: Observed, strict: bool, is_eea: Callable[[str], bool]
) -> list[Reason]:
    """A new country outside the EEA fails; other hosting changes warn."""
    assert tool.baseline is not None
    baseline = tool.baseline
    line = baseline.line_of("hosting_countries")
    pinned = set(baseline.hosting_countries or ())
    reasons = []
    for country in sorted(set(seen.seen_countries) - pinned):
        if not is_eea(country):
            reasons.append(
                _reason(
                    "hosting-non-eea",
                    FAIL,
                    line,
                    f"hébergement hors EEE apparu depuis l'approbation : {country}",
                    f"hosting outside the EEA since approval: {country}",
                    subject=country,
                )
            )
        elif baseline.hosting_countries is not None:
            reasons.append(
                _reason(
                    "hosting-changed",
                    WARN,
                    line,
                    f"nouveau pays d'hébergement (EEE) : {country}",
                    f"new hosting country (EEA): {country}",
                    subject=country,
                )
            )
    if seen.hosting_countries is None and baseline.hosting_countries is not None:
        reasons.append(
            _reason(
                "hosting-unknown",
                _unknown(strict),
                line,
                "hébergement non établi par cet audit : impossible de le comparer à la référence",
                "hosting not established by this audit: it cannot be compared with the baseline",
            )
        )
    if seen.hosting_providers is not None and baseline.hosting_providers is not None:
        reasons += [
            _reason(
                "provider-changed",
                WARN,
                baseline.line_of("hosting_providers"),
                f"nouvel hébergeur depuis l'approbation : {provider}",
                f"new hosting provider since approval: {provider}",
                subject=provider,
            )
            for provider in sorted(set(seen.hosting_providers) - set(baseline.hosting_providers))
        ]
    return reasons


def _match(
    pinned: PinnedDocument, pinned_all: tuple[PinnedDocument, ...], current: list[dict[str, str]]
) -> dict[str, str] | None:
    for doc in current:
        if doc["type"] == pinned.type and doc["url"] == pinned.url:
            return doc
    same_type = [d for d in current if d["type"] == pinned.type]
    if len(same_type) == 1 and sum(1 for p in pinned_all if p.type == pinned.type) == 1:
        return same_type[0]  # the document moved to another URL
    return None


def check_documents(tool: ApprovedTool, seen: Observed, strict: bool) -> list[Reason]:
    """Pinned document texts against the current ones, same normalisation version only."""
    assert tool.baseline is not None
    baseline = tool.baseline
    current = list(seen.documents)
    reasons: list[Reason] = []
    versions: set[tuple[str, str]] = set()
    for pinned in baseline.documents:
        subject = f"{pinned.type} {pinned.url}"
        doc = _match(pinned, baseline.documents, current)
        if doc is None:
            if pinned.url in seen.documents_not_read:
                reasons.append(
                    _reason(
                        "document-unread",
                        _unknown(strict),
                        pinned.line,
                        f"document épinglé non lu par cet audit ({pinned.type}) : {pinned.url}",
                        f"pinned document not read by this audit ({pinned.type}): {pinned.url}",
                        subject=subject,
                    )
                )
            else:
                reasons.append(
                    _reason(
                        "document-missing",
                        FAIL,
                        pinned.line,
                        f"document épinglé introuvable ({pinned.type}) : {pinned.url}",
                        f"pinned document no longer found ({pinned.type}): {pinned.url}",
                        subject=subject,
                    )
                )
            continue
        if doc["text_hash_version"] != pinned.text_hash_version:
            versions.add((pinned.text_hash_version, doc["text_hash_version"]))
            continue
        if doc["text_hash"] != pinned.text_hash:
            reasons.append(
                _reason(
                    "document-changed",
                    FAIL,
                    pinned.line,
                    f"le texte du document a changé depuis l'approbation ({pinned.type}) :"
                    f" {doc['url']} — le relire, puis ré-épingler",
                    f"the document text changed since approval ({pinned.type}): {doc['url']}"
                    " — review it, then re-pin",
                    subject=subject,
                )
            )
        elif doc["url"] != pinned.url:
            reasons.append(
                _reason(
                    "document-moved",
                    INFO,
                    pinned.line,
                    f"même texte, nouvelle adresse ({pinned.type}) : {doc['url']}",
                    f"same text, new address ({pinned.type}): {doc['url']}",
                    subject=subject,
                )
            )
    for old, new in sorted(versions):
        reasons.append(
            _reason(
                "normalisation-changed",
                _unknown(strict),
                baseline.line_of("documents"),
                f"la normalisation du texte des documents a changé (version {old} → {new}) :"
                " les empreintes ne sont pas comparables, ré-épingler (rgpd-check ci pin)",
                f"the document text normalisation changed (version {old} → {new}): hashes are"
                " not comparable, re-pin (rgpd-check ci pin)",
                subject=f"{old}->{new}",
            )
        )
    pinned_types = {p.type for p in baseline.documents}
    reasons += [
        _reason(
            "document-new",
            INFO,
            baseline.line_of("documents"),
            f"nouveau document non épinglé ({doc['type']}) : {doc['url']}",
            f"new document, not pinned ({doc['type']}): {doc['url']}",
            subject=f"{doc['type']} {doc['url']}",
        )
        for doc in current
        if doc["type"] not in pinned_types
    ]
    return reasons


def check_tool(
    tool: ApprovedTool,
    seen: Observed | None,
    today: dt.date,
    *,
    strict: bool,
    is_eea: Callable[[str], bool],
) -> list[Reason]:
    """Every reason for one tool (``seen`` is None when no current report could be had)."""
    reasons = check_dates(tool, today)
    if seen is None:
        return reasons
    reasons += check_level(tool, seen, strict)
    if tool.baseline is None:
        reasons.append(
            _reason(
                "no-baseline",
                _unknown(strict),
                tool.line,
                "aucune référence épinglée : lancer 'rgpd-check ci pin' pour surveiller les"
                " changements",
                "no pinned baseline: run 'rgpd-check ci pin' to watch for changes",
            )
        )
        return reasons
    reasons += check_third_parties(tool, seen)
    reasons += check_hosting(tool, seen, strict, is_eea)
    reasons += check_documents(tool, seen, strict)
    return reasons
