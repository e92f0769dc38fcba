"""``rgpd-check ci``: the CI gate for an academy's approved-tools list.

Commands: ``ci check`` (the gate), ``ci pin`` (write baselines), ``ci validate`` (check the
list only, for pre-commit). ``rgpd-check ci APPROVED.yaml`` is short for ``ci check``: any
first argument that is not a command name goes to ``check`` (to check a list literally named
``pin``, write ``ci check pin``). Every option also reads ``RGPD_CHECK_<OPTION>``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from rgpd_check.cli_options import (
    F,
    apply,
    crawl_options,
    crawl_options_from,
    net_options_from,
    network_options,
    option,
    reader_cache_from,
    reader_cache_options,
)
from rgpd_check.errors import EXIT_CHECK_FAILED, EXIT_OK, InputError


class _CiGroup(click.Group):
    """A group whose default command is ``check``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _list_argument(func: F) -> F:
    return click.argument("approved", type=click.Path(exists=True, dir_okay=False, path_type=Path))(
        func
    )


def _common(func: F) -> F:
    return apply(
        func,
        [
            option(
                "--reports",
                type=click.Path(file_okay=False, path_type=Path),
                default=Path("reports"),
                show_default=True,
                help="Dossier des audits (REPORTS/<outil>/<horodatage>/ et 'latest').\n"
                "Audits folder (REPORTS/<tool>/<timestamp>/ plus 'latest').",
            ),
            option(
                "--today",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="Date du jour pour les échéances (défaut : aujourd'hui) / date used for"
                " review and waiver deadlines (default: today), YYYY-MM-DD.",
            ),
            option(
                "--only",
                multiple=True,
                metavar="ID",
                help="Seulement cet outil (répétable) / only this tool (repeatable).",
            ),
            option(
                "--out",
                type=click.Path(file_okay=False, path_type=Path),
                help="Garder les rapports réévalués ici (défaut : dossier temporaire).\n"
                "Keep the re-evaluated reports here (default: a temporary folder).",
            ),
            option(
                "--rules",
                "rules",
                multiple=True,
                type=click.Path(exists=True, path_type=Path),
                help="Règles en plus des règles intégrées (répétable) / extra rules.",
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
            reader_cache_options,
        ],
    )


def _live_options(func: F) -> F:
    func = network_options(note="(--live) ")(func)
    func = crawl_options(note="(--live) ")(func)
    return apply(
        func,
        [
            option(
                "--ip-data",
                multiple=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="(--live) Base IP → pays/AS (répétable) / IP data file (repeatable).",
            ),
            option(
                "--browser/--no-browser",
                default=False,
                show_default=True,
                help="(--live) Visiter aussi avec Chromium / also visit with Chromium.",
            ),
        ],
    )


def _gate_options(opts: dict[str, Any], *, live: bool = False, strict: bool = False) -> Any:
    from rgpd_check.gate import GateOptions

    today = opts["today"].date() if opts.get("today") else dt.date.today()
    kwargs: dict[str, Any] = {}
    if live:
        kwargs = {
            "net": net_options_from(opts),
            "crawl": crawl_options_from(opts),
            "ip_data": tuple(opts["ip_data"]),
            "browser": opts["browser"],
            "command_line": tuple(sys.argv),
        }
    return GateOptions(
        reports=opts["reports"],
        today=today,
        live=live,
        strict=strict,
        out=opts["out"],
        only=tuple(opts["only"]),
        rules=tuple(opts["rules"]),
        default_rules=not opts["no_default_rules"],
        policy=opts["policy"],
        reader_cache=reader_cache_from(opts),
        **kwargs,
    )


def _write(path: Path | None, text: str) -> None:
    if path is None:
        return
    from rgpd_check.evidence.bundle import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise InputError(f"{path}: écriture impossible / cannot write: {exc}") from None
    click.echo(f"  → {path}", err=True)


@click.group(cls=_CiGroup, no_args_is_help=True)
def ci() -> None:
    """Porte CI de la liste des outils approuvés d'une académie.

    CI gate for an academy's approved-tools list. `rgpd-check ci APPROVED.yaml` is short for
    `rgpd-check ci check APPROVED.yaml`.
    """


@ci.command("check")
@_list_argument
@_common
@option(
    "--live/--offline",
    default=False,
    show_default=True,
    help="Ré-auditer les outils (réseau) au lieu de réévaluer les audits stockés.\n"
    "Re-audit the tools (network) instead of re-evaluating the stored audits.",
)
@option(
    "--strict",
    is_flag=True,
    help="« À vérifier » et tout ce qui ne peut être vérifié échouent / unverifiable fails.",
)
@option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="JUnit XML.")
@option(
    "--gitlab-codequality",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rapport GitLab Code Quality (JSON) / GitLab Code Quality report.",
)
@option("--sarif", type=click.Path(dir_okay=False, path_type=Path), help="SARIF 2.1.0.")
@option(
    "--markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Résumé Markdown (commentaire de MR, $GITHUB_STEP_SUMMARY) / Markdown summary.",
)
@option("--verbose", "-v", is_flag=True, help="Afficher aussi les notes / also show notes.")
@_live_options
@click.pass_context
def check(
    ctx: click.Context, approved: Path, live: bool, strict: bool, verbose: bool, **opts: Any
) -> None:
    """Vérifie chaque outil approuvé : niveau, référence épinglée, échéances.

    Checks every approved tool against its accepted level, pinned baseline and dates.
    Offline (default): re-evaluates the stored audits in --reports with the current rules,
    without any network access. --live: re-audits each tool first (new folder under
    --reports, which becomes 'latest'). Exit: 0 all hold, 1 a tool fails, 2 bad list or
    options.
    """
    from rgpd_check.gate import load_approved, run_gate
    from rgpd_check.gate.formats import (
        render_codequality,
        render_console,
        render_junit,
        render_markdown,
        render_sarif,
    )

    approved_list = load_approved(approved)
    options = _gate_options(opts, live=live, strict=strict)

    def progress(tool: Any, index: int, total: int) -> None:
        if live:
            click.echo(f"[{index + 1}/{total}] audit de / auditing {tool.id}…", err=True)

    result = run_gate(approved_list, options, progress)
    click.echo(render_console(result, verbose=verbose), nl=False)
    _write(opts["junit"], render_junit(result))
    _write(opts["gitlab_codequality"], render_codequality(result))
    _write(opts["sarif"], render_sarif(result))
    _write(opts["markdown"], render_markdown(result))
    ctx.exit(result.exit_code)


@ci.command("pin")
@_list_argument
@_common
@click.pass_context
def pin_command(ctx: click.Context, approved: Path, **opts: Any) -> None:
    """Écrit la référence (baseline) de chaque outil à partir des audits actuels.

    Writes each tool's baseline into APPROVED (in place, only the 'baseline:' blocks change)
    from its latest audit re-evaluated with the current rules. Review the diff, then commit.
    Exit: 0 pinned, 1 a tool had no usable audit, 2 bad list or options.
    """
    from rgpd_check.gate import pin

    outcomes = pin(approved, _gate_options(opts))
    for outcome in outcomes:
        if outcome.pinned:
            click.echo(f"✔ {outcome.tool_id} : épinglé / pinned ({outcome.message})")
        else:
            click.echo(f"✘ {outcome.tool_id} : {outcome.message}")
    ctx.exit(EXIT_OK if all(o.pinned for o in outcomes) else EXIT_CHECK_FAILED)


@ci.command("validate")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Règles en plus des règles intégrées / extra rules (for waiver ids).",
)
def validate(paths: tuple[Path, ...], rules: tuple[Path, ...]) -> None:
    """Valide des listes d'outils approuvés (erreurs fichier:ligne:colonne, code 2).

    Validates approved lists without reading any audit (for pre-commit): every problem as
    file:line:col, exit 2 when any. Waivers of unknown rule ids are warned about.
    """
    from rgpd_check.gate import ApprovedListError, load_approved
    from rgpd_check.rules import load_rules

    problems: list[str] = []
    lists = []
    for path in paths:
        try:
            lists.append(load_approved(path))
        except ApprovedListError as exc:
            problems += [str(p) for p in exc.problems]
    if problems:
        raise InputError("\n".join([*problems, f"{len(problems)} erreur(s) / error(s)"]))
    known = load_rules(list(rules)).by_id
    for approved in lists:
        for tool in approved.tools:
            for waiver in tool.waivers:
                if waiver.finding not in known:
                    click.echo(
                        f"{approved.display}:{waiver.line}: attention / warning: règle inconnue"
                        f" / unknown rule '{waiver.finding}'",
                        err=True,
                    )
        click.echo(f"OK : {approved.display} — {len(approved.tools)} outil(s) / tool(s)")
