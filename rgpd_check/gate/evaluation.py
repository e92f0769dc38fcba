"""Get a current report for one approved tool: re-evaluate its stored audit, or re-audit it.

Offline, the stored audit is never modified: the re-evaluation is written to a work folder
whose ``evidence`` is a link to (or, where links are impossible, a copy of) the stored
evidence. Live, a new timestamp folder is audited and becomes ``latest`` once complete.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rgpd_check import api
from rgpd_check.errors import BundleError, InputError, RgpdCheckError
from rgpd_check.evidence.bundle import EVIDENCE_DIRNAME, Bundle, now_iso
from rgpd_check.gate.model import ApprovedTool, Context
from rgpd_check.gate.options import GateOptions
from rgpd_check.gate.reports import latest_audit, new_audit_dir, record_audit


@dataclass
class Evaluation:
    """A current report for one tool, or why there is none (``error_code``)."""

    audit_dir: Path | None
    result: api.AuditResult | None = None
    error_code: str | None = None
    error: dict[str, str] | None = None
    seconds: float = 0.0


def _error(code: str, fr: str, en: str, audit_dir: Path | None = None) -> Evaluation:
    return Evaluation(audit_dir=audit_dir, error_code=code, error={"fr": fr, "en": en})


def _context_kwargs(tool: ApprovedTool, fallback: Context | None = None) -> dict[str, Any]:
    """The list's context wins; missing parts come from ``fallback`` or the stored audit."""
    context = tool.context
    audience = context.audience or (fallback.audience if fallback else None)
    level = context.school_level or (fallback.school_level if fallback else None)
    return {"audience": audience, "school_level": level}


def _link_evidence(stored: Path, target: Path) -> None:
    link = target / EVIDENCE_DIRNAME
    try:
        link.symlink_to((stored / EVIDENCE_DIRNAME).resolve(), target_is_directory=True)
    except OSError:
        shutil.copytree(stored / EVIDENCE_DIRNAME, link)


def evaluate_offline(tool: ApprovedTool, options: GateOptions, work: Path) -> Evaluation:
    """Re-evaluate the tool's latest stored audit with the current rules, from evidence only."""
    started = time.monotonic()
    stored = latest_audit(options.reports, tool.id)
    if stored is None:
        return _error(
            "no-audit",
            f"aucun audit stocké dans {options.reports / tool.id} (fichier 'latest') :"
            " lancer le job d'audit en direct (--live) ou 'rgpd-check catalog audit'",
            f"no stored audit in {options.reports / tool.id} ('latest' file):"
            " run the live audit job (--live) or 'rgpd-check catalog audit'",
        )
    target = work / tool.id
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    _link_evidence(stored, target)
    audit_options = api.AuditOptions(
        formats=("json",),
        rules=options.rules,
        default_rules=options.default_rules,
        policy=options.policy,
        lang=options.lang,
        reader_cache=options.reader_cache,
        **_context_kwargs(tool),
    )
    try:
        result = api.evaluate(target, audit_options)
    except BundleError as exc:
        return _error(
            "bundle-unreadable",
            f"preuves illisibles : {exc}",
            f"unreadable evidence: {exc}",
            stored,
        )
    evaluation = Evaluation(audit_dir=stored, result=result)
    evaluation.seconds = time.monotonic() - started
    return evaluation


@cache
def _catalog_tools() -> dict[str, Any]:
    """The catalog's tools by id, read once per process (empty without a usable catalog)."""
    try:
        from rgpd_check.catalog.loader import load_catalog
    except ImportError:
        return {}
    try:
        return dict(load_catalog().by_id)
    except RgpdCheckError:
        return {}


def _catalog_tool(catalog_id: str | None) -> Any:
    """The catalog entry of an approved tool given by catalog id, if the catalog knows it."""
    return _catalog_tools().get(catalog_id) if catalog_id else None


def _stored_urls(options: GateOptions, tool: ApprovedTool) -> list[str]:
    stored = latest_audit(options.reports, tool.id)
    if stored is None:
        return []
    try:
        urls = (Bundle.open(stored).audit.get("tool") or {}).get("urls") or []
    except RgpdCheckError:
        return []
    return [str(u) for u in urls]


def live_inputs(tool: ApprovedTool, options: GateOptions) -> tuple[list[str], dict[str, Any]]:
    """URLs and context of a re-audit: the list first, then the catalog, then the last audit."""
    entry = _catalog_tool(tool.catalog_id)
    fallback = None
    if entry is not None:
        fallback = Context(
            audience=entry.context.audit_audience,
            school_levels=(entry.context.audit_school_level,),
        )
    urls = list(tool.urls)
    if not urls and entry is not None:
        urls = list(entry.audit_urls)
    if not urls:
        urls = _stored_urls(options, tool)
    return urls, _context_kwargs(tool, fallback)


def audit_live(tool: ApprovedTool, options: GateOptions) -> Evaluation:
    """Re-audit the tool into ``REPORTS/<id>/<timestamp>/`` (the network is used here only)."""
    started = time.monotonic()
    urls, context = live_inputs(tool, options)
    if not urls:
        return _error(
            "no-url",
            "aucune URL connue : ajouter 'url' ou 'urls' à l'entrée, ou l'outil au catalogue",
            "no URL known: add 'url' or 'urls' to the entry, or the tool to the catalog",
        )
    try:
        urls = api.check_urls(urls)
    except InputError as exc:
        return _error("no-url", f"URL refusée : {exc}", f"URL rejected: {exc}")
    audit_dir = new_audit_dir(options.reports, tool.id)
    started_at = now_iso()
    audit_options = api.AuditOptions(
        name=tool.name,
        net=options.net,
        crawl=options.crawl,
        rules=options.rules,
        default_rules=options.default_rules,
        policy=options.policy,
        lang=options.lang,
        ip_data=options.ip_data,
        browser=options.browser,
        command_line=options.command_line,
        reader_cache=options.reader_cache,
        **context,
    )
    inputs = {"urls": urls, **context}
    try:
        result = api.audit(urls, audit_dir, audit_options)
    except InputError:
        raise  # bad rules, policy or options: the whole run stops (exit 2)
    except Exception as exc:  # noqa: BLE001 - one broken tool never stops the gate
        record_audit(
            options.reports,
            tool.id,
            audit_dir,
            started_at=started_at,
            inputs=inputs,
            result=None,
            reason=f"{type(exc).__name__}: {exc}",
        )
        return _error(
            "audit-failed",
            f"l'audit a échoué : {type(exc).__name__}: {exc}",
            f"the audit failed: {type(exc).__name__}: {exc}",
            audit_dir,
        )
    complete = record_audit(
        options.reports, tool.id, audit_dir, started_at=started_at, inputs=inputs, result=result
    )
    evaluation = Evaluation(audit_dir=audit_dir, result=result)
    if not complete:
        evaluation = _error(
            "audit-failed",
            "l'audit n'a rien pu collecter (site injoignable ?) : voir le rapport",
            "the audit could not collect anything (site unreachable?): see the report",
            audit_dir,
        )
        evaluation.result = result
    evaluation.seconds = time.monotonic() - started
    return evaluation
