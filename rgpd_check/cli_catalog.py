"""``rgpd-check catalog``: validate the catalog, audit it in batch, build the website.

A thin click layer over :mod:`rgpd_check.catalog`; expected errors become one line (or the
``file:line:col`` list) and exit 2 through :func:`rgpd_check.cli.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from rgpd_check.cli_options import (
    F,
    browser_wanted,
    crawl_options,
    crawl_options_from,
    net_options_from,
    network_options,
    reader_cache_from,
    reader_cache_options,
)
from rgpd_check.cli_options import option as shared_option
from rgpd_check.errors import EXIT_OK, InputError

ENV = "RGPD_CHECK_CATALOG_"


def option(*names: str, **kwargs: Any) -> Callable[[F], F]:
    """A click option whose default can come from ``RGPD_CHECK_CATALOG_<NAME>``."""
    return shared_option(*names, prefix=ENV, **kwargs)


CATALOG_ARG = click.argument(
    "catalog_dir",
    metavar="[CATALOG]",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def parse_since(value: str | None) -> datetime | None:
    """``2026-01-31`` (midnight UTC) or a full ISO time."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--since : date invalide / invalid date {value!r} (attendu / expected YYYY-MM-DD)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.group()
def catalog() -> None:
    """Catalogue d'outils : valider, auditer en lot, publier le site.

    Tool catalog: validate it, audit every tool, build the website teachers read.
    """


@catalog.command("validate")
@CATALOG_ARG
def catalog_validate(catalog_dir: Path | None) -> None:
    """Valide le catalogue (erreurs fichier:ligne:colonne, code 2).

    Validates the catalog: every problem as file:line:col, exit 2 when any.
    """
    from rgpd_check.catalog.loader import load_catalog

    loaded = load_catalog(catalog_dir)
    unverified = sum(
        1
        for tool in loaded.tools
        for item in (tool.vendor.provenance, *(f.provenance for f in tool.facts))
        if item.unverified
    )
    click.echo(
        f"OK : {len(loaded)} outils valides / valid tools ({loaded.root});"
        f" {unverified} information(s) non vérifiée(s) / unverified statement(s)"
    )


@catalog.command("audit")
@CATALOG_ARG
@option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des rapports (REPORTS/<outil>/<date>/) / reports folder.",
)
@option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Outils audités en même temps / tools audited at once.",
)
@option(
    "--processes",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Analyser les preuves dans N processus (plusieurs cœurs, ~100 Mo chacun ; 0 : un fil"
    " d'exécution) / analyse evidence in N processes (several cores, ~100 MB each; 0: a thread).",
)
@reader_cache_options
@option(
    "--only",
    multiple=True,
    metavar="ID",
    help="N'auditer que cet outil (répétable) / audit only this tool (repeatable).",
)
@option(
    "--shard",
    metavar="K/N",
    help="N'auditer que la part K sur N (défaut : CI_NODE_INDEX/CI_NODE_TOTAL de GitLab) /"
    " audit only shard K of N (default: GitLab's CI_NODE_INDEX/CI_NODE_TOTAL).",
)
@option(
    "--since",
    metavar="DATE",
    help="Refaire les audits plus anciens que DATE / redo audits older than DATE (YYYY-MM-DD).",
)
@option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Langue des rapports / report language.",
)
@option(
    "--rules",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Règles en plus des règles intégrées (répétable) / extra rules (repeatable).",
)
@option(
    "--policy",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Politique de niveaux (YAML) / level policy file.",
)
@option(
    "--ip-data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Base IP → pays/AS, répétable / IP data file (repeatable).",
)
@option(
    "--browser/--no-browser",
    default=None,
    help="Visiter aussi avec Chromium (défaut : si Chromium est présent) / also visit with"
    " Chromium (default: when Chromium is found).",
)
@network_options(ENV)
@crawl_options(ENV)
@click.pass_context
def catalog_audit(ctx: click.Context, catalog_dir: Path | None, out: Path, **opts: Any) -> None:
    """Audite tous les outils du catalogue, en parallèle, avec reprise après interruption.

    Audits every tool concurrently (resumable: complete audits are kept and skipped).
    Exit: 0 every tool audited, 1 some could not be, 2 bad input.
    """
    from rgpd_check import api
    from rgpd_check.catalog.batch import BatchOptions, audit_catalog
    from rgpd_check.catalog.loader import load_catalog
    from rgpd_check.catalog.progress import RichProgress, summary_table
    from rgpd_check.catalog.shard import parse_shard

    loaded = load_catalog(catalog_dir)
    since = parse_since(opts["since"])
    net = net_options_from(opts)
    crawl = crawl_options_from(opts)
    browser = browser_wanted(opts["browser"])
    base = api.AuditOptions(
        browser=browser,
        lang=opts["lang"],
        net=net,
        crawl=crawl,
        rules=tuple(opts["rules"]),
        policy=opts["policy"],
        ip_data=tuple(opts["ip_data"]),
        command_line=tuple(sys.argv),
        reader_cache=reader_cache_from(opts),
    )
    options = BatchOptions(
        jobs=opts["jobs"],
        processes=opts["processes"],
        only=tuple(opts["only"]),
        since=since,
        audit=base,
        shard=parse_shard(opts["shard"]),
    )
    with RichProgress() as progress:
        result = audit_catalog(loaded, out, options, progress)
    progress.console.print(summary_table(result))
    if result.cleaned:
        progress.console.print(
            f"{len(result.cleaned)} audit(s) interrompu(s) nettoyé(s) / interrupted run(s) removed"
        )
    ctx.exit(result.exit_code)


@catalog.command("build")
@CATALOG_ARG
@option(
    "--reports",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des rapports de `catalog audit` (absent : rien d'audité) / reports folder.",
)
@option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier du site (remplacé à chaque construction) / site folder (replaced).",
)
@option(
    "--approved",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Liste des outils approuvés par l'académie (YAML) / academy's approved list.",
)
@option(
    "--theme",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Thème de l'académie (logo, couleurs, textes, gabarits) / academy theme folder.",
)
@option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Langue du site / site language.",
)
@option(
    "--policy",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Politique de niveaux (YAML) / level policy file.",
)
@click.pass_context
def catalog_build(
    ctx: click.Context,
    catalog_dir: Path | None,
    reports: Path | None,
    out: Path,
    approved: Path | None,
    theme: Path | None,
    lang: str,
    policy: Path | None,
) -> None:
    """Construit le site statique du catalogue (sans réseau, sans ressource externe).

    Builds the static website from the catalog and whatever reports exist.
    """
    from rgpd_check.catalog.loader import load_catalog
    from rgpd_check.catalog.site import build_site

    loaded = load_catalog(catalog_dir)
    result = build_site(
        loaded,
        out,
        reports=reports,
        approved=approved,
        theme_dir=theme,
        lang=lang,
        policy_path=policy,
    )
    for warning in result.warnings:
        click.echo(f"attention / warning: {warning}", err=True)
    click.echo(
        f"Site : {result.out} — {result.tools} outils, dont {result.audited} audités /"
        f" tools, {result.audited} audited; {result.pages} pages"
    )
    ctx.exit(EXIT_OK)
