"""``catalog build``: a static website teachers read, from the catalog and whatever audits exist.

Build order (as mkdocs): gather every datum, render into a fresh folder next to the output,
then swap it in, so a failed build never leaves half a site. Nothing on the site loads
anything from elsewhere: one CSS and one optional script under ``assets/``, a strict
Content-Security-Policy on every page, and pages that work without the script.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rgpd_check import __version__
from rgpd_check.catalog.approved_view import load_approved
from rgpd_check.catalog.exports import tools_csv, tools_json
from rgpd_check.catalog.model import Catalog
from rgpd_check.catalog.site_data import KEY_FAMILIES, SITE_LEVELS, Labels, build_site_data
from rgpd_check.catalog.theme import SiteTheme
from rgpd_check.catalog.vocabulary import AUDIENCES, CATEGORIES
from rgpd_check.classify import load_policy
from rgpd_check.errors import InputError
from rgpd_check.evidence.bundle import now_iso
from rgpd_check.render.theme import gdpr_article
from rgpd_check.rules import RuleSet, load_rules
from rgpd_check.rules.model import SEVERITIES

SITE_MARKER = ".rgpd-check-site"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " base-uri 'none'; form-action 'self'"
)
MONTHS = {
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ],
}  # fmt: skip


@dataclass
class SiteResult:
    out: Path
    pages: int = 0
    tools: int = 0
    audited: int = 0
    warnings: list[str] = field(default_factory=list)


def format_day(value: str | None, lang: str = "fr") -> str:
    """``2026-11-29T…`` → ``29 novembre 2026``; partial dates (``2020-04``) too."""
    if not value:
        return ""
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 0
        day = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return value
    if not 1 <= month <= 12:
        return str(year)
    name = MONTHS.get(lang, MONTHS["fr"])[month - 1]
    if not day:
        return f"{name} {year}"
    if lang == "en":
        return f"{day} {name} {year}"
    return f"{'1er' if day == 1 else day} {name} {year}"


class _Writer:
    """Renders templates into the staging folder, with the context every page shares."""

    def __init__(self, theme: SiteTheme, labels: Labels, root: Path, common: dict[str, Any]):
        self.env = theme.environment()
        # Shared values are globals: partials imported without context are then cached.
        self.env.globals.update(common)
        self.theme = theme
        self.labels = labels
        self.root = root
        self.pages = 0

    def page(self, template: str, path: str, **context: Any) -> None:
        values = {"root": "../" * path.count("/"), "page_path": path, **context}
        text = self.env.get_template(template).render(values)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.pages += 1


def _rules_view(ruleset: RuleSet, lang: str, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    matches: dict[str, list[dict[str, Any]]] = {}
    for tool in tools:
        for rule_id in tool["matched_rules"]:
            matches.setdefault(rule_id, []).append(tool)
    rules = sorted(ruleset.rules, key=lambda r: (r.family, r.id))
    return [
        {
            "id": rule.id,
            "family": rule.family,
            "kind": rule.kind,
            "severity": rule.severity,
            "reliability": rule.reliability,
            "title": rule.title.get(lang) or rule.title.get("fr", ""),
            "recommendation": rule.recommendation.get(lang) or rule.recommendation.get("fr", ""),
            "gdpr": list(rule.gdpr),
            "references": list(rule.references),
            "page": f"regles/{rule.id}.html",
            "tools": matches.get(rule.id, []),
        }
        for rule in rules
    ]


def _prepare_out(out: Path) -> Path:
    """A staging folder beside ``out``; refuses to replace a folder that is not a site."""
    if out.exists():
        if not out.is_dir():
            raise InputError(f"{out}: n'est pas un dossier / not a folder")
        if any(out.iterdir()) and not (out / SITE_MARKER).exists():
            raise InputError(
                f"{out}: dossier non vide qui n'a pas été produit par catalog build ; choisir un"
                " dossier vide / non-empty folder not built by catalog build; use an empty one"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def _swap_in(staging: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_site(
    catalog: Catalog,
    out: Path,
    *,
    reports: Path | None = None,
    approved: Path | None = None,
    theme_dir: Path | None = None,
    lang: str = "fr",
    policy_path: Path | None = None,
    ruleset: RuleSet | None = None,
) -> SiteResult:
    """Write the whole site into ``out`` (replacing a previous build)."""
    theme = SiteTheme.load(theme_dir, lang)
    policy = load_policy(policy_path)
    labels = Labels(policy=policy, theme=theme)
    approvals = load_approved(approved) if approved else None
    ruleset = ruleset or load_rules([], include_builtin=True)
    if reports is not None and not reports.is_dir():
        reports = None  # no audit yet: every tool is "pas encore audité"
    data = build_site_data(catalog, reports, labels, approvals)
    result = SiteResult(out=out, tools=len(data.tools))
    result.audited = sum(1 for t in data.tools if t["audited"])
    result.warnings += [
        f"liste approuvée : outil absent du catalogue / approved list: unknown tool '{i}'"
        for i in data.unknown_approvals
    ]
    rules = _rules_view(ruleset, lang, data.tools)
    generated_at = now_iso()
    categories = [c for c in CATEGORIES if any(t["category"] == c for t in data.tools)]
    common: dict[str, Any] = {
        "lang": lang,
        "t": theme.t,
        "label": labels,
        "setting": theme.setting,
        "day": lambda v: format_day(v, lang),
        "csp": CSP,
        "version": __version__,
        "generated_at": generated_at,
        "site_levels": SITE_LEVELS,
        "categories": categories,
        "audiences": list(AUDIENCES),
        "key_families": KEY_FAMILIES,
        "has_approvals": approvals is not None,
        "logo": theme.setting("logo"),
    }
    staging = _prepare_out(out)
    try:
        writer = _Writer(theme, labels, staging, common)
        counts = {level: sum(1 for t in data.tools if t["level"] == level) for level in SITE_LEVELS}
        writer.page("index.html", "index.html", tools=data.tools, counts=counts)
        for tool in data.tools:
            writer.page("tool.html", tool["page"], tool=tool)
        lists = [
            ("level", level, [t for t in data.tools if t["level"] == level], f"niveaux/{level}")
            for level in SITE_LEVELS
        ]
        lists += [
            ("category", c, [t for t in data.tools if t["category"] == c], f"categories/{c}")
            for c in categories
        ]
        lists += [
            ("audience", a, [t for t in data.tools if a in t["audiences"]], f"usages/{a}")
            for a in AUDIENCES
        ]
        for kind, key, tools, path in lists:
            writer.page("list.html", path + ".html", kind=kind, key=key, tools=tools)
        writer.page(
            "method.html",
            "methode.html",
            policy=policy,
            rules=rules,
            severities=SEVERITIES,
            gdpr=sorted({a for r in rules for a in r["gdpr"]}, key=_article_key),
            rules_version=ruleset.version,
        )
        for rule in rules:
            writer.page("rule.html", rule["page"], rule=rule)
        _write_assets(theme, staging)
        for source, dest in data.reports_to_copy:
            target = staging / dest
            target.mkdir(parents=True, exist_ok=True)
            for name in ("report.html", "report.json"):
                if (source / name).is_file():
                    shutil.copyfile(source / name, target / name)
        (staging / "tools.json").write_text(tools_json(data.tools, generated_at), "utf-8")
        (staging / "tools.csv").write_text(tools_csv(data.tools), "utf-8")
        (staging / SITE_MARKER).write_text(f"rgpd-check {__version__} {generated_at}\n", "utf-8")
        result.pages = writer.pages
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, out)
    return result


def _article_key(reference: str) -> tuple[int, str]:
    return (int(gdpr_article(reference) or 0), reference)


def _write_assets(theme: SiteTheme, root: Path) -> None:
    assets = root / "assets"
    assets.mkdir()
    for name, path in theme.asset_files().items():
        if name == "site.css":
            continue
        target = assets / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (assets / "style.css").write_text(theme.stylesheet(), encoding="utf-8")
