"""The diff as terminal text, Markdown or JSON (formats return text; the CLI writes).

Labels come from the report message catalog (French first, typography included); rule
titles and URLs come from the reports and are escaped in Markdown like any third-party text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rgpd_check.diff.model import AuditDiff, FindingChange, LevelChange, ListChange
from rgpd_check.render.i18n import Messages, check_lang
from rgpd_check.render.interface import RenderError
from rgpd_check.render.markdown import code, link, md

DIFF_FORMATS: tuple[str, ...] = ("text", "md", "json")
MARKS = {
    "new_risk": "+",
    "lost_safeguard": "-",
    "now_unknown": "?",
    "resolved": "✓",
    "new_safeguard": "+",
    "settled": "✓",
    "safeguard_not_found": "-",
}
DOC_MARKS = {"added": "+", "removed": "-", "changed": "~", "not_comparable": "?"}
LISTS = ("trackers", "third_parties", "hosting_countries", "hosting_providers")


class _Lines:
    """Builds the human-readable formats; ``rich`` is True for Markdown."""

    def __init__(self, diff: AuditDiff, lang: str, rich: bool) -> None:
        self.d = diff
        self.m = Messages(lang)
        self.t = self.m.t
        self.rich = rich
        self.out: list[str] = []
        self.esc: Callable[[object], str] = md if rich else str

    def heading(self, level: int, text: str) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")
        self.out.append(f"{'#' * level} {text}" if self.rich else text)
        self.out.append("" if self.rich else "-" * len(text))

    def bullet(self, text: str, indent: int = 0) -> None:
        self.out.append(f"{'  ' * indent}- {text}" if self.rich else f"{'  ' * (indent + 1)}{text}")

    def level(self, key: str, change: LevelChange) -> str:
        old = self.m.label("level", change.old)
        new = self.m.label("level", change.new)
        direction = self.t(f"diff.direction.{change.direction}")
        arrow = f"{old} → {new}" if change.old != change.new else new
        strong = f"**{arrow}**" if self.rich else arrow
        return self.t("format.label_value", label=self.t(key), value=f"{strong} ({direction})")

    def write(self) -> str:
        d, t = self.d, self.t
        title = t("diff.title", tool=self.esc(d.tool))
        self.out.append(f"# {title}" if self.rich else title)
        self.out += [
            "",
            t("diff.dates", old=self.m.when(d.old_date), new=self.m.when(d.new_date)),
            "",
        ]
        self.out.append(self.level("diff.level", d.level))
        if d.computed_level.old != d.computed_level.new and d.computed_level != d.level:
            self.out.append(self.level("diff.computed_level", d.computed_level))
        if d.override is not None:
            self.out.append(
                t("format.label_value", label=t("diff.override_heading"), value=self._override())
            )
        if d.notes:
            self.heading(2, t("diff.notes_heading"))
            for note in d.notes:
                self.bullet(self._note(note))
        if d.unchanged:
            self.out += ["", t("diff.unchanged")]
            return "\n".join(self.out) + "\n"
        self.findings()
        self.lists()
        self.documents()
        return "\n".join(self.out).rstrip("\n") + "\n"

    def _override(self) -> str:
        assert self.d.override is not None
        old, new = self.d.override.get("old"), self.d.override.get("new")
        key = "added" if old is None else "removed" if new is None else "changed"
        text = self.t(f"diff.override.{key}")
        if new:
            detail = f"{new.get('who', '')}, {self.m.when(str(new.get('date', '')))}"
            text += f" ({self.esc(detail)} → {self.m.label('level', new.get('level'))})"
        return text

    def _note(self, note: dict[str, str]) -> str:
        kind = note["kind"]
        if kind == "browser":
            return self.t(
                "diff.note.browser_added" if note["new"] == "true" else "diff.note.browser_removed"
            )
        old, new = note["old"], note["new"]
        if kind == "context_audience":
            old, new = self.m.label("audience", old), self.m.label("audience", new)
        elif kind == "context_school_level":
            old, new = self.m.label("school_level", old), self.m.label("school_level", new)
        return self.t(f"diff.note.{kind}", old=self.esc(old), new=self.esc(new))

    def findings(self) -> None:
        if not self.d.findings:
            return
        self.heading(
            2, f"{self.t('diff.findings_heading')} ({self.m.number(len(self.d.findings))})"
        )
        for change in self.d.findings:
            self.bullet(self._finding(change))

    def _finding(self, c: FindingChange) -> str:
        what = self.t(f"diff.change.{c.change}")
        if c.rule_status:
            what += f" ({self.t(f'diff.rule_{c.rule_status}')})"
        severity = self.m.label("severity", c.severity) if c.kind == "risk" else ""
        rule = code(c.rule) if self.rich else c.rule
        title = self.esc(self.m.prose(c.title))
        if self.rich:
            prefix = f"**{what}**" + (f" · {severity}" if severity else "")
            return f"{prefix} — {rule} {title}"
        tag = f"[{severity}] " if severity else ""
        return f"{MARKS[c.change]} " + self.t(
            "format.label_value", label=what, value=f"{tag}{rule} {title}"
        )

    def lists(self) -> None:
        changes: list[tuple[str, ListChange]] = [(key, getattr(self.d, key)) for key in LISTS]
        changes = [(key, change) for key, change in changes if change.changed]
        if not changes:
            return
        self.heading(2, self.t("diff.lists_heading"))
        for key, change in changes:
            items = [f"+ {self._item(i)}" for i in change.added] + [
                f"− {self._item(i)}" for i in change.removed
            ]
            self.bullet(
                self.t("format.label_value", label=self.t(f"diff.{key}"), value=self.m.join(items))
            )

    def _item(self, value: str) -> str:
        return code(value) if self.rich else value

    def documents(self) -> None:
        if not self.d.documents:
            return
        self.heading(2, self.t("diff.documents_heading"))
        for doc in self.d.documents:
            kind = self.m.label("document_type", doc.type) if doc.type else ""
            where = link(doc.url) if self.rich else doc.url
            state = self.t(f"diff.document.{doc.change}")
            label = f"{kind} {where}".strip()
            mark = "" if self.rich else f"{DOC_MARKS[doc.change]} "
            self.bullet(mark + self.t("format.label_value", label=label, value=state))


def render_diff(diff: AuditDiff, fmt: str = "text", lang: str = "fr") -> str:
    """The diff in one format."""
    check_lang(lang)
    if fmt == "json":
        data: dict[str, Any] = {"format": "rgpd-check-diff", "version": "1", **diff.to_dict()}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt not in DIFF_FORMATS:
        raise RenderError(f"unknown diff format {fmt!r}; expected one of {', '.join(DIFF_FORMATS)}")
    return _Lines(diff, lang, rich=fmt == "md").write()
