"""The batch on a terminal: a rich progress bar with counts per level, then a summary table."""

from __future__ import annotations

from collections import Counter
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rgpd_check.catalog.batch import AUDITED, FAILED, SKIPPED, BatchResult, ToolOutcome
from rgpd_check.catalog.model import Tool
from rgpd_check.catalog.vocabulary import STANCE_LEVELS as LEVELS
from rgpd_check.classify import LevelPolicy, load_policy

_STYLES = {
    "recommande": "green",
    "precautions": "yellow",
    "deconseille": "dark_orange",
    "a-proscrire": "red",
    "a-verifier": "grey62",
}
_STATUS = {
    AUDITED: "audité / audited",
    SKIPPED: "à jour / up to date",
    FAILED: "échec / failed",
}


class RichProgress:
    """A :class:`~rgpd_check.catalog.batch.BatchListener` drawing on stderr."""

    def __init__(self, console: Console | None = None, policy: LevelPolicy | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.policy = policy or load_policy()
        self.levels: Counter[str] = Counter()
        self.failed = 0
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.task = self.progress.add_task("Audit", total=0, counts="")

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def _counts(self) -> str:
        parts = [
            f"[{_STYLES[level]}]{self.policy.label(level, 'fr')} {self.levels[level]}[/]"
            for level in LEVELS
            if self.levels[level]
        ]
        if self.failed:
            parts.append(f"[bold red]échecs {self.failed}[/]")
        return " · ".join(parts)

    def planned(self, to_audit: list[Tool], skipped: list[ToolOutcome]) -> None:
        for outcome in skipped:
            if outcome.run and outcome.run.level:
                self.levels[outcome.run.level] += 1
        total = len(to_audit) + len(skipped)
        self.progress.update(self.task, total=total, completed=len(skipped), counts=self._counts())
        if skipped:
            self.console.print(
                f"{len(skipped)} outil(s) déjà audité(s), ignoré(s) / already audited, skipped"
            )

    def started(self, tool: Tool) -> None:
        self.progress.update(self.task, description=f"Audit : {tool.name}")

    def finished(self, outcome: ToolOutcome) -> None:
        level = outcome.run.level if outcome.run else None
        if outcome.status == FAILED:
            self.failed += 1
            self.console.print(f"[red]✕[/] {outcome.tool.id}: {outcome.reason}")
        elif level:
            self.levels[level] += 1
            label = self.policy.label(level, "fr")
            self.console.print(f"[{_STYLES.get(level, '')}]•[/] {outcome.tool.id}: {label}")
        self.progress.update(self.task, advance=1, counts=self._counts())


def summary_table(result: BatchResult, policy: LevelPolicy | None = None) -> Table:
    """One row per tool: what happened, the level, when, and why it failed."""
    policy = policy or load_policy()
    table = Table(title="Audit du catalogue / catalog audit", show_lines=False)
    for column in ("Outil / tool", "Résultat / result", "Niveau / level", "Audit", "Détail"):
        table.add_column(column)
    for outcome in result.outcomes:
        run = outcome.run
        level = run.level if run and outcome.status != FAILED else None
        level_text = f"[{_STYLES.get(level, '')}]{policy.label(level, 'fr')}[/]" if level else "—"
        table.add_row(
            outcome.tool.id,
            _STATUS[outcome.status],
            level_text,
            run.started_at[:16].replace("T", " ") if run else "—",
            outcome.reason if outcome.status == FAILED else "",
        )
    table.caption = (
        f"{result.count(AUDITED)} audité(s), {result.count(SKIPPED)} à jour,"
        f" {result.count(FAILED)} échec(s) / audited, up to date, failed"
    )
    return table
