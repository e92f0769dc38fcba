"""The library API: ``audit()`` and ``evaluate()``. The CLI is a thin layer over these.

collect → evidence bundle → analyze → facts → rules → findings → classify → report → render
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rgpd_check.analyze.documents.cache import ReaderCache
from rgpd_check.analyze.domains import host_of
from rgpd_check.analyze.facts import DEFAULT_CONTEXT, SCHOOL_LEVEL_AGES, build_facts
from rgpd_check.classify import Classification, classify, default_policy, load_policy
from rgpd_check.collect.browser.storage_state import read_storage_state
from rgpd_check.collect.crawler import CrawlOptions
from rgpd_check.collect.filterlists import read_filter_list, store_filter_lists
from rgpd_check.collect.net import NetOptions
from rgpd_check.collect.run import CollectOptions, CollectOutcome, collect
from rgpd_check.errors import EXIT_NOTHING_COLLECTED, EXIT_OK, InputError
from rgpd_check.evidence.bundle import MANIFEST, Bundle, BundleWriter, sha256_file, write_atomic
from rgpd_check.findings import Finding
from rgpd_check.render import render_all
from rgpd_check.report import build_report, bundle_screenshots, slugify
from rgpd_check.resources import rules_dir
from rgpd_check.rules import RuleSet, load_rules
from rgpd_check.rules import evaluate as evaluate_rules

AUDIENCES = ("teachers", "pupils-anonymous", "pupils-accounts")
OPERATOR_KINDS = ("state", "company", "association", "individual", "community")
LANGS = ("fr", "en")
FACTS_FILE = "facts.json"


@dataclass(frozen=True)
class AuditOptions:
    """Everything an audit or evaluation can be told (CLI options map one to one)."""

    name: str | None = None
    lang: str = "fr"
    formats: tuple[str, ...] = ("json", "md", "html")
    net: NetOptions = field(default_factory=NetOptions)
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    rules: tuple[Path, ...] = ()
    default_rules: bool = True
    policy: Path | None = None
    audience: str | None = None
    school_level: str | None = None
    browser: bool = False
    ip_data: tuple[Path, ...] = ()
    ip_online: bool = False
    # Browser mode: Adblock Plus lists to match requests with, a saved login (Playwright
    # storage state), other settings of rgpd_check.collect.browser.BrowserOptions.
    filter_lists: tuple[Path, ...] = ()
    storage_state: Path | None = None
    browser_options: dict[str, Any] = field(default_factory=dict)
    command_line: tuple[str, ...] = ()
    stance: dict[str, Any] | None = None
    # Who runs the tool (catalog ``vendor.kind``: state, company…); the level policy uses it.
    operator_kind: str | None = None
    # Folder of reader results by document content (rgpd_check.analyze.documents.cache).
    reader_cache: Path | None = None


@dataclass
class AuditResult:
    """What the CLI renders: the report (and its files), plus the pieces for library users."""

    out_dir: Path
    report: dict[str, Any]
    facts: dict[str, Any]
    findings: list[Finding]
    classification: Classification
    written: list[Path]
    collected: bool = True

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.collected else EXIT_NOTHING_COLLECTED


def check_urls(urls: list[str]) -> list[str]:
    """Reject what cannot be audited before touching the network (exit 2)."""
    if not urls:
        raise InputError("aucune URL / no URL given")
    checked = []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                f"URL invalide / invalid URL: {url!r} (attendu / expected http(s)://host/…)"
            )
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise InputError(f"URL invalide / invalid URL: {url!r} (port)") from None
        checked.append(parts._replace(fragment="").geturl() + ("" if parts.path else "/"))
    return checked


def _context(options: AuditOptions, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    stored = stored or {}
    audience = options.audience or stored.get("audience") or DEFAULT_CONTEXT["audience"]
    level = options.school_level or stored.get("school_level") or DEFAULT_CONTEXT["school_level"]
    if audience not in AUDIENCES or level not in SCHOOL_LEVEL_AGES:
        raise InputError(f"contexte invalide / invalid context: {audience}, {level}")
    is_default = (
        audience == DEFAULT_CONTEXT["audience"] and level == DEFAULT_CONTEXT["school_level"]
    )
    return {"audience": audience, "school_level": level, "is_default": is_default}


def _context_extras(options: AuditOptions, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """Context a catalog knows and a crawl cannot (operator, official stance), kept for evaluate."""
    stored = stored or {}
    extras: dict[str, Any] = {}
    operator = options.operator_kind or stored.get("operator_kind")
    if operator is not None:
        if operator not in OPERATOR_KINDS:
            raise InputError(f"exploitant inconnu / unknown operator kind: {operator}")
        extras["operator_kind"] = operator
    stance = options.stance or stored.get("stance")
    if stance:
        extras["stance"] = dict(stance)
    return extras


def _ruleset(options: AuditOptions) -> RuleSet:
    """Load (and validate) the rules once per set of files and their modification times.

    Batches and the CI gate evaluate many audits with the same rules; validating every rule's
    embedded tests each time would dominate their run time.
    """
    files = [*([rules_dir()] if options.default_rules else []), *options.rules]
    stamp = tuple(
        (str(path), path.stat().st_mtime_ns)
        for root in files
        for path in sorted([root] if root.is_file() else root.rglob("*.yaml"))
    )
    return _cached_rules(tuple(options.rules), options.default_rules, stamp)


@lru_cache(maxsize=8)
def _cached_rules(
    paths: tuple[Path, ...], default_rules: bool, _stamp: tuple[object, ...]
) -> RuleSet:
    return load_rules(list(paths), include_builtin=default_rules)


def audit(urls: list[str], out_dir: Path, options: AuditOptions | None = None) -> AuditResult:
    """Audit one tool (one or more entry URLs) into ``out_dir``; never raises for a bad site."""
    return asyncio.run(audit_async(urls, out_dir, options))


async def audit_async(
    urls: list[str],
    out_dir: Path,
    options: AuditOptions | None = None,
    *,
    analysis: Executor | None = None,
) -> AuditResult:
    """:func:`audit` inside a running event loop, so a batch audits several tools at once.

    ``analysis`` runs the pure, CPU-bound part (evidence → facts → report) off the event
    loop: a thread keeps the other audits' requests and polite waits on time, a process pool
    also uses the other cores. Without it the analysis runs in the loop (one audit alone).
    """
    options = options or AuditOptions()
    if options.lang not in LANGS:
        raise InputError(f"langue inconnue / unknown language: {options.lang}")
    entry_urls = check_urls(urls)
    context = _context(options)
    ruleset = _ruleset(options)  # a broken rule file stops us before any request
    policy = load_policy(options.policy) if options.policy else None
    name = options.name or host_of(entry_urls[0])
    tool = {"id": slugify(name), "name": name, "urls": entry_urls}
    filter_lists = [read_filter_list(path) for path in options.filter_lists]
    if options.storage_state is not None:
        read_storage_state(options.storage_state)  # a bad file stops us before any request
    out_dir.mkdir(parents=True, exist_ok=True)
    audit_meta = {
        "tool": tool,
        "context": {
            **{k: context[k] for k in ("audience", "school_level")},
            **_context_extras(options),
        },
        "browser": options.browser,
        "authenticated": options.storage_state is not None,
        "options": {
            "user_agent": options.net.user_agent,
            "dns_server": options.net.dns_server,
            "max_pages": options.crawl.max_pages,
            "delay": options.crawl.delay,
            "max_bytes": options.net.max_bytes,
            "time_budget": options.crawl.time_budget,
            "allow_private": options.net.allow_private,
            "allowed_networks": [str(n) for n in options.net.allowed_networks],
        },
    }
    writer = BundleWriter(out_dir, audit_meta, list(options.command_line))
    try:
        store_filter_lists(writer, filter_lists)
        browser_options = dict(options.browser_options)
        if options.storage_state is not None:
            browser_options["storage_state"] = str(options.storage_state)
        collect_options = CollectOptions(
            ip_data=options.ip_data,
            ip_online=options.ip_online,
            browser=options.browser,
            browser_options=browser_options,
        )
        outcome: CollectOutcome = await collect(
            entry_urls, options.net, options.crawl, writer, options=collect_options
        )
    except BaseException:
        writer.close(status="interrupted", not_collected=[{"reason": "interrupted"}])
        raise
    if outcome.browser is not None:
        writer.manifest["audit"]["browser_mode"] = outcome.browser.get("mode")
        writer.manifest["audit"]["browser_version"] = outcome.browser.get("chromium_version")
        if not outcome.browser.get("ran"):
            outcome.not_collected.append(
                {
                    "stage": "browser",
                    "reason": outcome.browser.get("reason", "browser_error"),
                    "detail": outcome.browser.get("detail", ""),
                }
            )
    writer.close(
        status="complete", not_collected=outcome.not_collected, rules_version=ruleset.version
    )
    if analysis is None:
        result = _evaluate_stored(out_dir, options, ruleset, policy)
    else:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(analysis, _evaluate_from_options, out_dir, options)
    result.collected = (
        outcome.responses > 0 and result.facts.get("crawl", {}).get("requests", 0) > 0
    )
    return result


def _evaluate_from_options(out_dir: Path, options: AuditOptions) -> AuditResult:
    """The analysis of a stored audit from picklable arguments only (``evaluate``, or a
    batch's analysis thread or worker process): rules and policy come from their caches."""
    policy = load_policy(options.policy) if options.policy else None
    return _evaluate_stored(out_dir, options, _ruleset(options), policy)


def evaluate(out_dir: Path, options: AuditOptions | None = None) -> AuditResult:
    """Rebuild facts, findings and reports of a stored audit from its evidence alone (offline)."""
    options = options or AuditOptions()
    if options.lang not in LANGS:
        raise InputError(f"langue inconnue / unknown language: {options.lang}")
    result = _evaluate_from_options(out_dir, options)
    result.collected = result.facts.get("crawl", {}).get("requests", 0) > 0
    return result


def _evaluate_stored(
    out_dir: Path, options: AuditOptions, ruleset: RuleSet, policy: Any
) -> AuditResult:
    bundle = Bundle.open(out_dir)
    context = _context(options, bundle.audit.get("context"))
    cache = ReaderCache(options.reader_cache) if options.reader_cache else None
    facts = build_facts(bundle, context, reader_cache=cache)
    facts["context"].update(_context_extras(options, bundle.audit.get("context")))
    findings = evaluate_rules(ruleset, facts)
    policy = policy or default_policy()
    classification = classify(
        findings, facts, options.lang, policy, facts["context"].get("stance"), rules=ruleset
    )
    report = build_report(
        manifest=bundle.manifest,
        facts=facts,
        findings=findings,
        classification=classification,
        rules_version=ruleset.version,
        replaced=[
            {"rule": r.rule_id, "builtin_file": str(r.builtin_file), "user_file": str(r.user_file)}
            for r in ruleset.replacements
        ],
        policy=policy,
        lang=options.lang,
        context=context,
        bundle_files=list(bundle.manifest.get("files") or []),
        manifest_sha256=sha256_file(bundle.root / MANIFEST),
        screenshots=bundle_screenshots(bundle.root, list(bundle.manifest.get("files") or [])),
    )
    written = [out_dir / FACTS_FILE]
    write_atomic(
        out_dir / FACTS_FILE, json.dumps(facts, indent=2, ensure_ascii=False, sort_keys=True)
    )
    for filename, text in render_all(report, options.formats, options.lang).items():
        write_atomic(out_dir / filename, text)
        written.append(out_dir / filename)
    return AuditResult(
        out_dir=out_dir,
        report=report,
        facts=facts,
        findings=findings,
        classification=classification,
        written=written,
    )
