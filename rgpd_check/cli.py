"""The ``rgpd-check`` command: a thin click layer over :mod:`rgpd_check.api`.

Every option can also come from an ``RGPD_CHECK_<OPTION>`` environment variable. Expected
errors are caught once, here, and printed as one line with the documented exit code.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from rgpd_check import __version__
from rgpd_check.cli_catalog import catalog as catalog_group
from rgpd_check.cli_diff import diff as diff_command
from rgpd_check.cli_gate import ci as ci_group
from rgpd_check.cli_options import (
    F,
    browser_wanted,
    crawl_options,
    crawl_options_from,
    net_options_from,
    network_options,
    option,
    reader_cache_from,
    reader_cache_options,
)
from rgpd_check.errors import (
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    RgpdCheckError,
)

FORMAT_CHOICES = ("json", "md", "html")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rgpd-check")
@option("--debug", is_flag=True, help="Afficher la trace complète des erreurs / show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Vérifie, preuves à l'appui, si un outil en ligne peut être utilisé avec des élèves (RGPD).

    Checks, with evidence, whether an online tool may be used with pupils (GDPR).
    """
    ctx.obj = {"debug": debug}


def _common_evaluation_options(func: F) -> F:
    for decorator in reversed(
        [
            option(
                "--rules",
                "rules",
                multiple=True,
                type=click.Path(exists=True, path_type=Path),
                help="Dossier ou fichier de règles en plus des règles intégrées (répétable).\n"
                "Extra rule file or folder (repeatable); same id replaces a built-in rule.",
            ),
            option(
                "--no-default-rules",
                is_flag=True,
                help="N'utiliser que vos règles / only your rules.",
            ),
            option(
                "--policy",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="Politique de niveaux (YAML) / level policy file.",
            ),
            option(
                "--lang",
                type=click.Choice(["fr", "en"]),
                default="fr",
                show_default=True,
                help="Langue des rapports / report language.",
            ),
            option(
                "--format",
                "formats",
                multiple=True,
                type=click.Choice((*FORMAT_CHOICES, "pdf")),
                help="Formats écrits (défaut : json, md, html ; pdf sur demande) / formats to "
                "write (default: json, md, html; pdf on request).",
            ),
            option(
                "--audience",
                type=click.Choice(["teachers", "pupils-anonymous", "pupils-accounts"]),
                help="Qui utilise l'outil (défaut : élèves avec comptes) / who uses the tool.",
            ),
            option(
                "--school-level",
                type=click.Choice(["ecole", "college", "lycee"]),
                help="Niveau scolaire (défaut : collège) / school level (default: collège).",
            ),
            reader_cache_options,
            option(
                "--operator",
                type=click.Choice(["state", "company", "association", "individual", "community"]),
                help="Qui exploite l'outil (state : service de l'État ou de l'académie) / who "
                "runs the tool (state: a State or academy service).",
            ),
        ]
    ):
        func = decorator(func)
    return func


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier du rapport et des preuves / folder for the reports and evidence.",
)
@option("--name", help="Nom de l'outil (défaut : l'hôte) / tool name (default: the host).")
@_common_evaluation_options
@option(
    "--ip-data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Base IP → pays/AS (ip2asn TSV ou .mmdb), répétable / IP data file (repeatable).",
)
@option(
    "--ip-online/--no-ip-online",
    default=False,
    show_default=True,
    help="Demander aussi l'AS de chaque adresse au service DNS de Team Cymru (via le résolveur"
    " de l'audit ; désactivé par défaut : Team Cymru demande d'être prévenu avant tout usage"
    " par un logiciel) / also ask Team Cymru's DNS service for each address's AS (off by"
    " default: Team Cymru asks software authors to tell them first).",
)
@option(
    "--browser/--no-browser",
    default=None,
    help="Visiter aussi avec Chromium (défaut : oui si /usr/bin/chromium ou RGPD_CHECK_CHROMIUM"
    " existe) / also visit with a real Chromium (default: on when one is found).",
)
@option(
    "--third-party-cookies",
    type=click.Choice(["allow", "block"]),
    default="allow",
    show_default=True,
    help="Cookies tiers dans le navigateur : allow (Chrome par défaut) ou block (comme Safari ou"
    " la navigation privée) ; les constats disent laquelle / the browser's third-party cookie"
    " policy: allow (Chrome's default) or block (as Safari or private browsing do).",
)
@option(
    "--filter-list",
    "filter_lists",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Liste de filtres Adblock Plus, ex. EasyPrivacy (répétable) / ABP filter list"
    " (repeatable).",
)
@option(
    "--storage-state",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Session Playwright enregistrée (espace connecté) / saved Playwright storage state"
    " (logged-in area).",
)
@network_options()
@crawl_options()
@click.pass_context
def audit(ctx: click.Context, urls: tuple[str, ...], out: Path, **opts: Any) -> None:
    """Audite un outil (une ou plusieurs URL d'entrée) et écrit rapports et preuves.

    Audits one tool (one or more entry URLs) and writes DIR/report.{json,md,html} and
    DIR/evidence/. Exit: 0 done, 2 bad input, 3 nothing at all could be collected.
    """
    from rgpd_check import api
    from rgpd_check.collect.browser.chromium import THIRD_PARTY_ALLOWED, THIRD_PARTY_BLOCKED
    from rgpd_check.collect.ipdata import check_ip_data_files

    cookie_modes = {"allow": THIRD_PARTY_ALLOWED, "block": THIRD_PARTY_BLOCKED}
    net = net_options_from(opts)
    check_ip_data_files(opts["ip_data"])
    crawl = crawl_options_from(opts)
    options = api.AuditOptions(
        name=opts["name"],
        net=net,
        crawl=crawl,
        command_line=tuple(sys.argv),
        browser=browser_wanted(opts["browser"], opts["storage_state"]),
        filter_lists=tuple(opts["filter_lists"]),
        storage_state=opts["storage_state"],
        browser_options={"mode": cookie_modes[opts["third_party_cookies"]]},
        ip_data=tuple(opts["ip_data"]),
        ip_online=opts["ip_online"],
        **_evaluation_kwargs(opts),
    )
    result = api.audit(list(urls), out, options)
    _summary(result)
    ctx.exit(result.exit_code)


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_common_evaluation_options
@click.pass_context
def evaluate(ctx: click.Context, directory: Path, **opts: Any) -> None:
    """Reconstruit faits, constats et rapports d'un audit stocké, sans réseau.

    Rebuilds facts, findings and reports of a stored audit from its evidence alone (offline).
    """
    from rgpd_check import api

    result = api.evaluate(directory, api.AuditOptions(**_evaluation_kwargs(opts)))
    _summary(result)
    ctx.exit(result.exit_code)


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def verify(ctx: click.Context, directory: Path) -> None:
    """Vérifie l'intégrité d'un dossier de preuves (empreintes SHA-256, WARC).

    Checks an evidence bundle: exit 0 intact, 1 tampered or incomplete, 2 no bundle.
    """
    from rgpd_check.evidence.verify import verify_bundle

    result = verify_bundle(directory)
    for problem in result.problems:
        click.echo(f"PROBLÈME / PROBLEM: {problem}")
    if result.ok:
        click.echo(f"OK : {result.files_checked} fichiers intacts / files intact ({result.root})")
        ctx.exit(EXIT_OK)
    click.echo(f"ÉCHEC / FAILED: {len(result.problems)} problème(s) dans {result.root}", err=True)
    ctx.exit(EXIT_CHECK_FAILED)


@cli.command()
@click.argument("source")
@option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="text",
    show_default=True,
    help="Sortie JSON ou résumé lisible / JSON or readable summary.",
)
@option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Langue du résumé / summary language.",
)
@network_options()
def read(source: str, fmt: str, lang: str, **network: Any) -> None:
    """Analyse un document (HTML, Markdown, texte, PDF, DOCX) : politique, CGU, DPA…

    Reads one document (file or URL) and prints its signals: the art. 28(3) clauses present
    and missing for a DPA. Exit 2 when it cannot be read (e.g. a scanned PDF).
    """
    from rgpd_check.reading import read_source

    net = net_options_from(network)
    result = read_source(source, net)
    if fmt == "json":
        click.echo(json.dumps({"signals": result["signals"]}, indent=2, ensure_ascii=False))
    else:
        from rgpd_check.analyze.documents.summary import format_summary

        click.echo(format_summary(result, lang))


@cli.group()
def rules() -> None:
    """Valider et tester les règles / validate and test rule files."""


@rules.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@option(
    "--no-default-rules", is_flag=True, help="Ne pas charger les règles intégrées / only PATHS."
)
def rules_validate(paths: tuple[Path, ...], no_default_rules: bool) -> None:
    """Valide les fichiers de règles (erreurs fichier:ligne:colonne, code 2).

    Validates rule files: every problem as file:line:col, exit 2 when any.
    """
    from rgpd_check.rules import load_rules

    ruleset = load_rules(list(paths), include_builtin=not no_default_rules or not paths)
    click.echo(
        f"OK : {len(ruleset.rules)} règles valides / valid rules (version {ruleset.version})"
    )


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@option(
    "--no-default-rules", is_flag=True, help="Ne pas charger les règles intégrées / only PATHS."
)
@click.pass_context
def rules_test(ctx: click.Context, paths: tuple[Path, ...], no_default_rules: bool) -> None:
    """Exécute les tests intégrés aux règles (code 1 si un test échoue).

    Runs the tests embedded in the rules; exit 1 when one fails.
    """
    from rgpd_check.rules import format_test_report, load_rules, run_tests

    ruleset = load_rules(list(paths), include_builtin=not no_default_rules or not paths)
    outcomes = run_tests(ruleset)
    click.echo(format_test_report(outcomes))
    ctx.exit(EXIT_CHECK_FAILED if any(not o.passed and not o.todo for o in outcomes) else EXIT_OK)


def _evaluation_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "rules": tuple(opts["rules"]),
        "default_rules": not opts["no_default_rules"],
        "policy": opts["policy"],
        "lang": opts["lang"],
        "formats": tuple(opts["formats"]) or FORMAT_CHOICES,
        "audience": opts["audience"],
        "school_level": opts["school_level"],
        "operator_kind": opts["operator"],
        "reader_cache": reader_cache_from(opts),
    }


def _summary(result: Any) -> None:
    report = result.report
    click.echo(f"{report['tool']['name']} : {report['level_label']} ({report['level']})")
    for reason in report["reasons"][:5]:
        mark = "?" if reason.get("effect") == "unknown" else "-"
        click.echo(f"  {mark} {reason['title']}")
    if not report["collection"]["complete"]:
        click.echo(
            "  ! collecte incomplète / incomplete collection — voir le rapport / see the report"
        )
    for path in result.written:
        click.echo(f"  → {path}")


cli.add_command(ci_group)
cli.add_command(catalog_group)
cli.add_command(diff_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: expected errors become one line and an exit code, never a traceback."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode, click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=argv, prog_name="rgpd-check", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Interrompu / interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except RgpdCheckError as exc:
        if debug:
            traceback.print_exc()
        message = str(exc)
        prefix = "rgpd-check: erreur / error: " if "\n" not in message else ""
        click.echo(prefix + message, err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrompu / interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug: one line, evidence kept, trace on --debug
        if debug:
            traceback.print_exc()
        click.echo(
            f"rgpd-check: erreur interne / internal error: {type(exc).__name__}: {exc}"
            " — preuves conservées, relancer avec --debug"
            " / evidence kept, rerun with --debug",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
