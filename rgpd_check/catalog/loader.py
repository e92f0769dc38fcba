"""Read and check ``catalog/*.yaml``: every problem is reported as ``file:line:col: message``.

The envelope is checked with JSON Schema (``catalog.schema.json``), the vocabulary,
provenance and cross-references by hand, so that messages stay short and point at the
value to fix. Positions come from the rule engine's YAML helpers (``rules/yamlpos.py``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator, ValidationError

from rgpd_check.catalog.model import Catalog, Context, Document, Fact, Sourced, Stance, Tool, Vendor
from rgpd_check.catalog.vocabulary import (
    AUDIENCES,
    CATEGORIES,
    DOCUMENT_TYPES,
    FACT_TOPICS,
    SCHOOL_LEVELS,
    STANCE_LEVELS,
    VENDOR_KINDS,
)
from rgpd_check.errors import InputError
from rgpd_check.resources import catalog_dir, package_file
from rgpd_check.rules.yamlpos import Loc, Located, LocatedProblem, _convert, load_located

Problem = LocatedProblem  # one problem, as file:line:col: message


class CatalogError(InputError):
    """Every problem found in the catalog, sorted; the CLI exits with code 2."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} erreur(s) dans le catalogue / error(s) in the catalog")
        super().__init__("\n".join(lines))


@cache
def _schema() -> Draft202012Validator:
    with package_file("catalog/catalog.schema.json").open(encoding="utf-8") as handle:
        return Draft202012Validator(json.load(handle))


def _did_you_mean(word: object, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _plain(value: Any) -> Any:
    """YAML turns ``2025-09-01`` into a date: keep every value as JSON would see it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _FileChecker:
    """Checks one tool file and builds the :class:`Tool` when it is valid."""

    def __init__(self, path: Path, display: str, today: dt.date) -> None:
        self.path = path
        self.display = display
        self.today = today
        self.problems: list[Problem] = []
        self.doc = Located(None)
        self.data: dict[str, Any] = {}

    def report(self, loc: Loc, message: str, *, at_key: bool = False) -> None:
        pos = self.doc.key_pos(loc) if at_key else self.doc.pos(loc)
        where = _format_loc(loc)
        self.problems.append(
            Problem(self.display, pos.line, pos.col, f"{where}: {message}" if where else message)
        )

    def check(self) -> Tool | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(self.display, 1, 1, f"cannot read file: {exc}"))
            return None
        self.doc = _located(text)
        for pos, message in self.doc.problems:
            self.problems.append(Problem(self.display, pos.line, pos.col, message))
        if self.doc.data is None:
            return None
        data = _plain(self.doc.data)
        if not isinstance(data, dict):
            self.report((), "a tool file must be a mapping (id, name, vendor…)")
            return None
        self.data = data
        for error in _schema().iter_errors(data):
            self._schema_error(error)
        self._semantics()
        if self.problems:
            return None
        return self._build()

    def _schema_error(self, error: ValidationError) -> None:
        loc: Loc = tuple(error.absolute_path)
        validator = error.validator
        if validator == "required":
            missing = [k for k in error.validator_value if k not in (error.instance or {})]
            self.report(loc, f"missing required key {', '.join(repr(k) for k in missing)}")
        elif validator == "additionalProperties":
            known = list((error.schema.get("properties") or {}).keys())
            for key in error.instance:
                if key not in known:
                    self.report(
                        (*loc, key), f"unknown key '{key}'{_did_you_mean(key, known)}", at_key=True
                    )
        elif validator == "pattern" and "http" in str(error.validator_value):
            self.report(loc, f"not an http(s) URL: {error.instance!r}")
        elif validator == "pattern" and "[0-9]{4}" in str(error.validator_value):
            self.report(loc, f"not a date (YYYY-MM-DD): {error.instance!r}")
        elif validator == "pattern" and loc == ("id",):
            self.report(loc, "id must be lower-case letters, digits and '-' (e.g. 'digipad')")
        elif validator == "const":
            self.report(loc, "'unverified' can only be 'true' (omit it when verified_on is set)")
        elif validator == "type":
            got = type(error.instance).__name__
            self.report(loc, f"expected {error.validator_value}, got {got}")
        else:
            self.report(loc, error.message)

    # -- semantics -----------------------------------------------------------------------

    def _in(self, loc: Loc, value: Any, choices: Iterable[str], what: str) -> None:
        choices = list(choices)
        if isinstance(value, str) and value not in choices:
            self.report(
                loc,
                f"unknown {what} '{value}'{_did_you_mean(value, choices)};"
                f" expected one of: {', '.join(choices)}",
            )

    def _date(self, loc: Loc, value: Any, *, partial: bool = False) -> None:
        if not isinstance(value, str):
            return
        parts = value.split("-")
        try:
            if partial and len(parts) < 3:
                day = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, 1)
            else:
                day = dt.date.fromisoformat(value)
        except ValueError:
            self.report(loc, f"not a valid date: {value!r}")
            return
        if day > self.today:
            self.report(loc, f"date in the future: {value}")

    def _provenance(self, loc: Loc, item: Any, *, required: bool = True) -> None:
        if not isinstance(item, dict):
            return
        verified, unverified = "verified_on" in item, item.get("unverified") is True
        if verified and unverified:
            self.report(loc, "give either 'verified_on' or 'unverified: true', not both")
        elif required and not verified and not unverified:
            self.report(
                loc,
                "provenance: add 'verified_on: YYYY-MM-DD' (when the source was"
                " checked) or 'unverified: true'",
            )
        if verified:
            self._date((*loc, "verified_on"), item["verified_on"])
        source = item.get("source")
        if isinstance(source, str):
            self._url((*loc, "source"), source)

    def _url(self, loc: Loc, url: Any) -> None:
        if not isinstance(url, str):
            return
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            self.report(loc, f"invalid URL: {url!r}")
            return
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.report(loc, f"invalid URL: {url!r}")

    def _semantics(self) -> None:
        data = self.data
        tool_id = data.get("id")
        if isinstance(tool_id, str) and tool_id != self.path.stem:
            self.report(
                ("id",),
                f"'{tool_id}' does not match the file name '{self.path.name}'"
                f" (expected id '{self.path.stem}')",
            )
        self._in(("category",), data.get("category"), CATEGORIES, "category")
        vendor = data.get("vendor")
        if isinstance(vendor, dict):
            self._in(("vendor", "kind"), vendor.get("kind"), VENDOR_KINDS, "vendor kind")
            self._provenance(("vendor",), vendor)
        urls = data.get("urls")
        if isinstance(urls, dict):
            seen: set[str] = set()
            for i, url in enumerate(urls.get("entry") or []):
                self._url(("urls", "entry", i), url)
                if str(url) in seen:  # url may be anything here: the schema check says so
                    self.report(("urls", "entry", i), f"duplicate URL {url}")
                seen.add(str(url))
            for i, doc in enumerate(urls.get("documents") or []):
                if isinstance(doc, dict):
                    self._in(
                        ("urls", "documents", i, "type"),
                        doc.get("type"),
                        DOCUMENT_TYPES,
                        "document type",
                    )
                    self._url(("urls", "documents", i, "url"), doc.get("url"))
        context = data.get("context")
        if isinstance(context, dict):
            for key, choices, what in (
                ("audience", AUDIENCES, "audience"),
                ("school_levels", SCHOOL_LEVELS, "school level"),
            ):
                values = context.get(key)
                if isinstance(values, list):
                    for i, value in enumerate(values):
                        self._in(("context", key, i), value, choices, what)
                        if values.index(value) != i:
                            self.report(("context", key, i), f"'{value}' listed twice")
        for i, fact in enumerate(data.get("facts") or []):
            if isinstance(fact, dict):
                self._in(("facts", i, "topic"), fact.get("topic"), FACT_TOPICS, "fact topic")
                self._provenance(("facts", i), fact)
        stance = data.get("stance")
        if isinstance(stance, dict):
            self._in(("stance", "level"), stance.get("level"), STANCE_LEVELS, "stance level")
            self._date(("stance", "date"), stance.get("date"), partial=True)
            self._provenance(("stance",), stance)
        alternatives = data.get("alternatives")
        if isinstance(alternatives, list) and tool_id in alternatives:
            self.report(
                ("alternatives", alternatives.index(tool_id)),
                "a tool cannot be its own alternative",
            )

    # -- building ------------------------------------------------------------------------

    def _build(self) -> Tool:
        d = self.data
        vendor = d["vendor"]
        context = d["context"]
        stance = d.get("stance")
        return Tool(
            id=d["id"],
            name=d["name"],
            description=d.get("description"),
            aliases=tuple(d.get("aliases") or ()),
            vendor=Vendor(
                name=vendor["name"],
                country=vendor["country"],
                kind=vendor.get("kind"),
                provenance=_sourced(vendor),
                note=vendor.get("note"),
            ),
            category=d["category"],
            entry_urls=tuple(d["urls"]["entry"]),
            documents=tuple(
                Document(type=x["type"], url=x["url"]) for x in d["urls"].get("documents") or ()
            ),
            context=Context(
                audience=tuple(context["audience"]),
                school_levels=tuple(context["school_levels"]),
                note=context.get("note"),
            ),
            facts=tuple(
                Fact(topic=f["topic"], text=f["text"], provenance=_sourced(f))
                for f in d.get("facts") or ()
            ),
            stance=Stance(
                who=stance["who"],
                what=stance["what"],
                source=stance["source"],
                date=str(stance["date"]),
                level=stance["level"],
                unverified=stance.get("unverified") is True,
                verified_on=stance.get("verified_on"),
            )
            if stance
            else None,
            alternatives=tuple(d.get("alternatives") or ()),
            source_file=self.path,
        )

    def alternative_locs(self) -> list[tuple[Loc, str]]:
        alternatives = self.data.get("alternatives")
        if not isinstance(alternatives, list):
            return []
        return [(("alternatives", i), str(a)) for i, a in enumerate(alternatives)]


def _located(text: str) -> Located:
    """The rule engine's located YAML, composed by libyaml when present (8x faster).

    Anything unusual (a syntax error, several documents) goes through the engine's own
    loader, which words the problem and its position.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return load_located(text)
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return load_located(text)
    if len(nodes) != 1:
        return load_located(text)
    located = Located(None)
    located.data = _convert(nodes[0], (), located)
    return located


def _sourced(item: dict[str, Any]) -> Sourced:
    return Sourced(
        source=item["source"],
        verified_on=item.get("verified_on"),
        unverified=item.get("unverified") is True,
        note=item.get("note"),
    )


def tool_files(root: Path) -> list[Path]:
    """The tool files of a folder: ``*.yaml``, except names starting with ``_`` or ``.``."""
    return sorted(
        p for p in root.glob("*.yaml") if p.is_file() and not p.name.startswith(("_", "."))
    )


def check_catalog(
    root: Path | None = None, *, today: dt.date | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """Validate a catalog folder: the catalog when valid, and every problem found."""
    root = root or catalog_dir()
    today = today or dt.date.today()
    if not root.is_dir():
        return None, [Problem(str(root), 1, 1, "catalog folder not found")]
    files = tool_files(root)
    if not files:
        return None, [Problem(str(root), 1, 1, "no tool file (*.yaml) in the catalog folder")]
    checkers = []
    for path in files:
        checker = _FileChecker(path, _display(path), today)
        checkers.append((checker, checker.check()))
    ids = {c.path.stem for c, _ in checkers}
    problems = [p for c, _ in checkers for p in c.problems]
    for checker, _tool in checkers:
        for loc, alternative in checker.alternative_locs():
            if alternative not in ids:
                hint = _did_you_mean(alternative, ids)
                checker.report(
                    loc, f"unknown alternative '{alternative}'{hint}: no {alternative}.yaml"
                )
                problems.append(checker.problems[-1])
    if problems:
        return None, sorted(set(problems))
    tools = tuple(t for _, t in checkers if t is not None)
    return Catalog(root=root, tools=tools), []


def load_catalog(root: Path | None = None, *, today: dt.date | None = None) -> Catalog:
    """The validated catalog; raises :class:`CatalogError` (exit 2) listing every problem."""
    catalog, problems = check_catalog(root, today=today)
    if catalog is None:
        raise CatalogError(problems)
    return catalog


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
