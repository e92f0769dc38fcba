"""Read and check an approved list; every problem is reported as ``file:line:col: message``.

Hand-written YAML maintained by people who are not developers: unknown keys get a "did you
mean", dates must be real dates, and a broken list stops the gate with exit code 2 before any
audit is read.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rgpd_check.errors import InputError
from rgpd_check.gate.model import (
    GRADED_LEVELS,
    SCHOOL_LEVEL_ORDER,
    UNKNOWN_LEVEL,
    ApprovedList,
    ApprovedTool,
    Baseline,
    Context,
    PinnedDocument,
    Waiver,
)
from rgpd_check.report import slugify
from rgpd_check.rules.yamlpos import Loc, Located, LocatedProblem, load_located

AUDIENCES = ("teachers", "pupils-anonymous", "pupils-accounts")
TOP_KEYS = ("version", "academy", "defaults", "tools")
DEFAULT_KEYS = ("context",)
TOOL_KEYS = (
    "id",
    "name",
    "url",
    "urls",
    "accepted_level",
    "context",
    "conditions",
    "approved_by",
    "approved_on",
    "review_by",
    "waivers",
    "baseline",
    "notes",
)
REQUIRED_TOOL_KEYS = ("accepted_level", "approved_by", "approved_on", "review_by")
CONTEXT_KEYS = ("audience", "school_levels")
WAIVER_KEYS = ("finding", "until", "reason")
BASELINE_KEYS = (
    "pinned_on",
    "audit",
    "level",
    "rules_version",
    "rgpd_check_version",
    "documents",
    "third_party_domains",
    "tracker_domains",
    "hosting_countries",
    "hosting_providers",
)
DOCUMENT_KEYS = ("type", "url", "text_hash", "text_hash_version")
FORMAT_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_FINDING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


Problem = LocatedProblem  # one problem, as file:line:col: message


class ApprovedListError(InputError):
    """Every problem found in the list, sorted; the CLI exits with code 2."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        lines = [str(p) for p in self.problems]
        lines.append(
            f"{len(self.problems)} erreur(s) dans la liste des outils approuvés"
            " / error(s) in the approved list"
        )
        super().__init__("\n".join(lines))


def display_path(path: Path) -> str:
    """The path as CI reports show it: relative to the working folder, with ``/``."""
    try:
        relative = Path(os.path.relpath(path.resolve(), Path.cwd().resolve()))
    except ValueError:  # another drive on Windows
        return path.as_posix()
    text = relative.as_posix()
    return path.as_posix() if text.startswith("../") else text


def _did_you_mean(word: object, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Checker:
    """Walks the located YAML once, collecting problems and building the typed list."""

    def __init__(self, located: Located, display: str) -> None:
        self.located = located
        self.display = display
        self.problems: list[Problem] = [
            Problem(display, pos.line, pos.col, message) for pos, message in located.problems
        ]

    # -- helpers -------------------------------------------------------------------------
    def report(self, loc: Loc, message: str, *, at_key: bool = False) -> None:
        pos = self.located.key_pos(loc) if at_key else self.located.pos(loc)
        self.problems.append(Problem(self.display, pos.line, pos.col, message))

    def line(self, loc: Loc) -> int:
        return self.located.pos(loc).line

    def key_line(self, loc: Loc) -> int:
        return self.located.key_pos(loc).line

    def mapping(self, loc: Loc, value: Any, allowed: tuple[str, ...], what: str) -> bool:
        if not isinstance(value, dict):
            self.report(loc, f"{what}: expected a mapping (key: value)")
            return False
        for key in value:
            if key not in allowed:
                self.report(
                    (*loc, key),
                    f"{what}: unknown key '{key}'{_did_you_mean(key, allowed)}",
                    at_key=True,
                )
        return True

    def text(self, loc: Loc, value: Any, what: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.report(loc, f"{what}: expected a non-empty text")
            return None
        return value.strip()

    def texts(self, loc: Loc, value: Any, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(loc, f"{what}: expected a list of texts")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.text((*loc, i), item, what)
            if text is not None:
                out.append(text)
        return tuple(out)

    def date(self, loc: Loc, value: Any, what: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.report(loc, f"{what}: expected a date YYYY-MM-DD, not a date and time")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.report(loc, f"{what}: expected a date YYYY-MM-DD, got {value!r}")
        return None

    def url(self, loc: Loc, value: Any) -> str | None:
        text = self.text(loc, value, "url")
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.report(loc, f"url: expected http(s)://host/…, got {text!r}")
            return None
        return text

    # -- the list ------------------------------------------------------------------------
    def check(self, path: Path) -> ApprovedList | None:
        data = self.located.data
        if data is None and self.located.problems:
            return None
        if not self.mapping((), data, TOP_KEYS, "approved list"):
            return None
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            self.report(("version",), f"version: only format {FORMAT_VERSION} is known")
        academy = data.get("academy")
        if academy is not None:
            academy = self.text(("academy",), academy, "academy")
        default_context = Context()
        defaults = data.get("defaults")
        if defaults is not None and self.mapping(("defaults",), defaults, DEFAULT_KEYS, "defaults"):
            if "context" in defaults:
                default_context = self.context(("defaults", "context"), defaults["context"])
        tools_raw = data.get("tools")
        if "tools" not in data:
            self.report((), "approved list: missing key 'tools'")
            tools_raw = []
        elif not isinstance(tools_raw, list):
            self.report(("tools",), "tools: expected a list of tools")
            tools_raw = []
        tools: list[ApprovedTool] = []
        first_line: dict[str, int] = {}
        for index, raw in enumerate(tools_raw):
            tool = self.tool(("tools", index), raw, default_context)
            if tool is None:
                continue
            if tool.id in first_line:
                self.report(
                    ("tools", index),
                    f"tool '{tool.id}' is listed twice (first at line {first_line[tool.id]})",
                )
                continue
            first_line[tool.id] = tool.line
            tools.append(tool)
        if self.problems:
            return None
        return ApprovedList(path=path, display=self.display, academy=academy, tools=tuple(tools))

    def context(self, loc: Loc, value: Any, base: Context | None = None) -> Context:
        base = base or Context()
        if not self.mapping(loc, value, CONTEXT_KEYS, "context"):
            return base
        audience = base.audience
        if "audience" in value:
            audience = value["audience"]
            if audience not in AUDIENCES:
                self.report(
                    (*loc, "audience"),
                    f"audience: unknown value {audience!r}, expected one of"
                    f" {', '.join(AUDIENCES)}{_did_you_mean(audience, AUDIENCES)}",
                )
                audience = base.audience
        levels = base.school_levels
        if "school_levels" in value:
            raw = value["school_levels"]
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, list) or not items:
                self.report((*loc, "school_levels"), "school_levels: expected a list of levels")
            else:
                good = []
                for i, level in enumerate(items):
                    if level not in SCHOOL_LEVEL_ORDER:
                        sub = (*loc, "school_levels", i) if isinstance(raw, list) else loc
                        self.report(
                            sub,
                            f"school_levels: unknown level {level!r}, expected one of"
                            f" {', '.join(SCHOOL_LEVEL_ORDER)}"
                            f"{_did_you_mean(level, SCHOOL_LEVEL_ORDER)}",
                        )
                    else:
                        good.append(str(level))
                levels = tuple(good)
        return Context(audience=audience, school_levels=levels)

    def tool(self, loc: Loc, raw: Any, default_context: Context) -> ApprovedTool | None:
        before = len(self.problems)
        if not self.mapping(loc, raw, TOOL_KEYS, "tool"):
            return None
        lines = {key: self.key_line((*loc, key)) for key in raw}
        catalog_id = None
        if "id" in raw:
            catalog_id = self.text((*loc, "id"), raw["id"], "id")
            if catalog_id is not None and not _ID.match(catalog_id):
                self.report(
                    (*loc, "id"),
                    f"id: {catalog_id!r} is not a catalog id (lower-case letters, digits, '-')",
                )
        if "url" in raw and "urls" in raw:
            self.report((*loc, "urls"), "give either 'url' or 'urls', not both", at_key=True)
        urls: list[str] = []
        if "url" in raw:
            url = self.url((*loc, "url"), raw["url"])
            urls += [url] if url else []
        elif "urls" in raw:
            if not isinstance(raw["urls"], list) or not raw["urls"]:
                self.report((*loc, "urls"), "urls: expected a non-empty list of URLs")
            else:
                for i, item in enumerate(raw["urls"]):
                    url = self.url((*loc, "urls", i), item)
                    urls += [url] if url else []
        name = self.text((*loc, "name"), raw["name"], "name") if "name" in raw else None
        if catalog_id is None and "id" not in raw:
            if not urls and "url" not in raw and "urls" not in raw:
                self.report(loc, "tool: give its catalog 'id', or a 'url' and a 'name'")
            elif name is None and "name" not in raw:
                self.report(loc, "tool: a tool given by URL needs a 'name' (it names its reports)")
        for key in REQUIRED_TOOL_KEYS:
            if key not in raw:
                self.report(loc, f"tool: missing key '{key}'")
        accepted = raw.get("accepted_level")
        if "accepted_level" in raw and accepted not in GRADED_LEVELS:
            hint = (
                " ('a-verifier' means not yet decided: it cannot be accepted)"
                if accepted == UNKNOWN_LEVEL
                else _did_you_mean(accepted, GRADED_LEVELS)
            )
            self.report(
                (*loc, "accepted_level"),
                f"accepted_level: {accepted!r} is not one of {', '.join(GRADED_LEVELS)}{hint}",
            )
        context = default_context
        if "context" in raw:
            context = self.context((*loc, "context"), raw["context"], default_context)
        conditions = self.texts((*loc, "conditions"), raw.get("conditions"), "conditions")
        approved_by = (
            self.text((*loc, "approved_by"), raw["approved_by"], "approved_by")
            if "approved_by" in raw
            else None
        )
        approved_on = (
            self.date((*loc, "approved_on"), raw["approved_on"], "approved_on")
            if "approved_on" in raw
            else None
        )
        review_by = (
            self.date((*loc, "review_by"), raw["review_by"], "review_by")
            if "review_by" in raw
            else None
        )
        if approved_on and review_by and review_by < approved_on:
            self.report(
                (*loc, "review_by"),
                f"review_by: {review_by} is before approved_on {approved_on}",
            )
        waivers = self.waivers((*loc, "waivers"), raw.get("waivers"))
        baseline = None
        if raw.get("baseline") is not None:
            baseline = self.baseline((*loc, "baseline"), raw["baseline"])
        notes = self.text((*loc, "notes"), raw["notes"], "notes") if "notes" in raw else None
        if len(self.problems) > before:
            return None
        assert accepted is not None and approved_by and approved_on and review_by
        tool_id = catalog_id or slugify(str(name))
        return ApprovedTool(
            id=tool_id,
            name=name or tool_id,
            urls=tuple(urls),
            catalog_id=catalog_id,
            accepted_level=str(accepted),
            context=context,
            conditions=conditions,
            approved_by=approved_by,
            approved_on=approved_on,
            review_by=review_by,
            waivers=waivers,
            baseline=baseline,
            line=self.line(loc),
            lines=lines,
            notes=notes,
        )

    def waivers(self, loc: Loc, raw: Any) -> tuple[Waiver, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.report(loc, "waivers: expected a list of {finding, until, reason}")
            return ()
        out: list[Waiver] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            sub = (*loc, i)
            if not self.mapping(sub, item, WAIVER_KEYS, "waiver"):
                continue
            missing = [k for k in WAIVER_KEYS if k not in item]
            for key in missing:
                self.report(sub, f"waiver: missing key '{key}'")
            if missing:
                continue
            finding = self.text((*sub, "finding"), item["finding"], "finding")
            if finding is not None and not _FINDING.match(finding):
                self.report((*sub, "finding"), f"finding: {finding!r} is not a rule id")
                finding = None
            until = self.date((*sub, "until"), item["until"], "until")
            reason = self.text((*sub, "reason"), item["reason"], "reason")
            if finding is None or until is None or reason is None:
                continue
            if finding in seen:
                self.report(
                    (*sub, "finding"),
                    f"finding '{finding}' is waived twice (first at line {seen[finding]})",
                )
                continue
            seen[finding] = self.line(sub)
            out.append(Waiver(finding=finding, until=until, reason=reason, line=self.line(sub)))
        return tuple(out)

    def domains(self, loc: Loc, raw: Any, what: str, *, nullable: bool = False) -> Any:
        if raw is None and nullable:
            return None
        if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
            self.report(loc, f"{what}: expected a list of names" + (" or null" if nullable else ""))
            return ()
        return tuple(sorted(set(raw)))

    def baseline(self, loc: Loc, raw: Any) -> Baseline | None:
        if not self.mapping(loc, raw, BASELINE_KEYS, "baseline"):
            return None
        lines = {key: self.key_line((*loc, key)) for key in raw}
        pinned_on = (
            self.date((*loc, "pinned_on"), raw["pinned_on"], "pinned_on")
            if raw.get("pinned_on") is not None
            else None
        )
        audit = str(raw["audit"]) if raw.get("audit") is not None else None
        level = raw.get("level")
        if level is not None and level not in (*GRADED_LEVELS, UNKNOWN_LEVEL):
            self.report((*loc, "level"), f"level: unknown level {level!r}")
        documents: list[PinnedDocument] = []
        docs_raw = raw.get("documents") or []
        if not isinstance(docs_raw, list):
            self.report((*loc, "documents"), "documents: expected a list")
            docs_raw = []
        for i, doc in enumerate(docs_raw):
            sub = (*loc, "documents", i)
            if not self.mapping(sub, doc, DOCUMENT_KEYS, "document"):
                continue
            values = {}
            for key in DOCUMENT_KEYS:
                if key not in doc:
                    self.report(sub, f"document: missing key '{key}'")
                else:
                    values[key] = str(doc[key])
            if len(values) == len(DOCUMENT_KEYS):
                documents.append(PinnedDocument(**values, line=self.line(sub)))
        return Baseline(
            pinned_on=pinned_on,
            audit=audit,
            level=str(level) if level is not None else None,
            documents=tuple(documents),
            third_party_domains=self.domains(
                (*loc, "third_party_domains"), raw.get("third_party_domains", []), "domains"
            ),
            tracker_domains=self.domains(
                (*loc, "tracker_domains"), raw.get("tracker_domains", []), "domains"
            ),
            hosting_countries=self.domains(
                (*loc, "hosting_countries"),
                raw.get("hosting_countries"),
                "hosting_countries",
                nullable=True,
            ),
            hosting_providers=self.domains(
                (*loc, "hosting_providers"),
                raw.get("hosting_providers"),
                "hosting_providers",
                nullable=True,
            ),
            line=self.line(loc),
            lines=lines,
        )


def parse_approved(text: str, path: Path, display: str | None = None) -> ApprovedList:
    """Check ``text`` as the list at ``path``; raise :class:`ApprovedListError` on problems."""
    display = display or display_path(path)
    checker = _Checker(load_located(text), display)
    result = checker.check(path)
    if checker.problems or result is None:
        raise ApprovedListError(
            checker.problems or [Problem(display, 1, 1, "invalid approved list")]
        )
    return result


def load_approved(path: Path) -> ApprovedList:
    """Read and check an approved list file (exit 2 through the CLI when it is broken)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: liste illisible / unreadable list: {exc}") from None
    return parse_approved(text, path)
