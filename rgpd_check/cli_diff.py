"""The ``diff`` command: compare two audits of the same tool (exit 0 whatever changed)."""

from __future__ import annotations

from pathlib import Path

import click

from rgpd_check.errors import EXIT_OK


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    envvar="RGPD_CHECK_DIFF_FORMAT",
    show_envvar=True,
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="Texte, Markdown ou JSON / text, Markdown or JSON.",
)
@click.option(
    "--lang",
    envvar="RGPD_CHECK_LANG",
    show_envvar=True,
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Langue / language.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire dans ce fichier plutôt qu'à l'écran / write to this file instead of stdout.",
)
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, fmt: str, lang: str, out: Path | None) -> None:
    """Compare deux audits d'un même outil : niveau, constats, traceurs, hébergement, documents.

    Compares two audits of the same tool (audit folders or report.json files): level change,
    new and removed findings, trackers, hosting, documents changed by text hash. Exit 0
    whatever changed; 2 when a report cannot be read.
    """
    from rgpd_check.diff import compare, load_report, render_diff
    from rgpd_check.evidence.bundle import write_atomic

    text = render_diff(compare(load_report(old), load_report(new)), fmt, lang)
    if out is not None:
        write_atomic(out, text)
        click.echo(f"→ {out}")
    else:
        click.echo(text, nl=False)
    ctx.exit(EXIT_OK)
