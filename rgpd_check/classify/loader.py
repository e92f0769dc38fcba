"""Read and check a level policy file; every mistake is reported as ``file:line:col``.

The policy is hand-written data an academy edits: a typo must point at its line, never give
a traceback or, worse, a silently different judgement.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from pathlib import Path
from typing import Any

from rgpd_check.classify.levels import GRADED, LEVELS, SEVERITIES
from rgpd_check.classify.policy import (
    Adjustment,
    ContextAction,
    Group,
    LevelPolicy,
    RecommendedBasis,
    Selector,
    Texts,
    When,
)
from rgpd_check.errors import InputError
from rgpd_check.resources import data_path
from rgpd_check.rules.model import FAMILIES
from rgpd_check.rules.yamlpos import Loc, Located, load_located

LANGS = ("fr", "en")
CONTEXT_VALUES: dict[str, tuple[Any, ...]] = {
    "audience": ("teachers", "pupils-anonymous", "pupils-accounts"),
    "school_level": ("ecole", "college", "lycee"),
    "operator_kind": ("state", "company", "association", "individual", "community", "unknown"),
    "pupils_personal_data": (True, False),
}
TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "check": ("title", "rule"),
    "check_browser": ("title", "rule"),
    "collection_incomplete": (),
    "collection_action": (),
    "range": ("best", "worst"),
    "range_collection": ("best",),
    "stance": ("who", "what", "date"),
}
REQUIRED = (
    "version",
    "order",
    "labels",
    "risk_levels",
    "conclusive_from",
    "unknown_blocks_from",
    "require_complete_collection",
    "texts",
)
OPTIONAL = (
    "key_documents",
    "precondition_failed",
    "groups",
    "protected",
    "adjustments",
    "recommended_basis",
    "actions",
)
DOCUMENT_TYPES = (
    "privacy_policy",
    "terms",
    "legal_notice",
    "dpa",
    "subprocessors",
    "cookie_policy",
    "children_privacy",
    "security",
    "other",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class PolicyError(InputError):
    """Every problem of one policy file, one ``file:line:col: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Checker:
    """Walks the located YAML, collecting problems instead of stopping at the first."""

    def __init__(self, located: Located, display: str) -> None:
        self.doc = located
        self.display = display
        self.problems: list[tuple[int, int, str]] = []

    def error(self, loc: Loc, message: str, *, key: bool = False) -> None:
        pos = self.doc.key_pos(loc) if key else self.doc.pos(loc)
        self.problems.append((pos.line, pos.col, message))

    def formatted(self) -> list[str]:
        return [f"{self.display}:{line}:{col}: {msg}" for line, col, msg in sorted(self.problems)]

    # -- small typed readers: they report and return a safe default --------------------
    def mapping(self, value: Any, loc: Loc, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.error(loc, f"{what} must be a mapping")
        return {}

    def keys(self, value: dict[str, Any], loc: Loc, allowed: tuple[str, ...], what: str) -> None:
        for name in value:
            if name not in allowed:
                hint = _closest(str(name), allowed)
                self.error((*loc, name), f"unknown key '{name}' in {what}{hint}", key=True)

    def text_list(self, value: Any, loc: Loc, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(loc, f"{what} must be a list of strings")
            return ()
        return tuple(value)

    def choice(self, value: Any, loc: Loc, allowed: tuple[Any, ...], what: str) -> str:
        if value not in allowed:
            self.error(loc, f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}")
            return str(allowed[0])
        return str(value)

    def choices(self, value: Any, loc: Loc, allowed: tuple[Any, ...], what: str) -> tuple[Any, ...]:
        if not isinstance(value, list):
            self.error(loc, f"{what} must be a list")
            return ()
        for index, item in enumerate(value):
            if item not in allowed:
                self.error(
                    (*loc, index),
                    f"{what}: {item!r} is not one of {', '.join(map(str, allowed))}",
                )
        return tuple(item for item in value if item in allowed)

    def texts(self, value: Any, loc: Loc, what: str, placeholders: tuple[str, ...] = ()) -> Texts:
        value = self.mapping(value, loc, what)
        out: Texts = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.error(loc, f"{what} needs a non-empty '{lang}' text")
                continue
            unknown = set(_PLACEHOLDER.findall(text)) - set(placeholders)
            if unknown:
                self.error((*loc, lang), f"{what}: unknown placeholder {{{sorted(unknown)[0]}}}")
            out[lang] = text
        self.keys(value, loc, LANGS, what)
        return out

    # -- sections ------------------------------------------------------------------------
    def when(self, value: Any, loc: Loc, extra: dict[str, tuple[Any, ...]] | None = None) -> When:
        allowed = {**CONTEXT_VALUES, **(extra or {})}
        value = self.mapping(value if value is not None else {}, loc, "when")
        self.keys(value, loc, tuple(allowed), "when")
        conditions = tuple(
            (key, self.choices(value[key], (*loc, key), allowed[key], f"when.{key}"))
            for key in allowed
            if key in value
        )
        return When(conditions)

    def group(self, name: str, value: Any, loc: Loc) -> Group:
        if not _ID.match(name):
            self.error(
                loc, f"group id '{name}' must be lower case letters, digits, - or _", key=True
            )
        value = self.mapping(value, loc, f"group '{name}'")
        self.keys(value, loc, ("label", "rules", "families", "reads", "unless_reads"), "a group")
        families = self.text_list(value.get("families"), (*loc, "families"), "families")
        for index, family in enumerate(families):
            if family not in FAMILIES:
                self.error((*loc, "families", index), f"unknown family '{family}'")
        return Group(
            id=name,
            label=self.texts(value.get("label"), (*loc, "label"), f"group '{name}' label"),
            rules=self.text_list(value.get("rules"), (*loc, "rules"), "rules"),
            families=families,
            reads=self.text_list(value.get("reads"), (*loc, "reads"), "reads"),
            unless_reads=self.text_list(
                value.get("unless_reads"), (*loc, "unless_reads"), "unless_reads"
            ),
        )

    def selector(self, value: Any, loc: Loc, groups: dict[str, Group]) -> Selector:
        value = self.mapping(value, loc, "select")
        self.keys(value, loc, ("rules", "families", "groups", "severities"), "select")
        selector = Selector(
            rules=self.text_list(value.get("rules"), (*loc, "rules"), "rules"),
            families=self.choices(
                value.get("families", []), (*loc, "families"), FAMILIES, "families"
            ),
            groups=self.text_list(value.get("groups"), (*loc, "groups"), "groups"),
            severities=self.choices(
                value.get("severities", []), (*loc, "severities"), SEVERITIES, "severities"
            ),
        )
        for index, group in enumerate(selector.groups):
            if group not in groups:
                self.error(
                    (*loc, "groups", index),
                    f"unknown group '{group}'{_closest(group, tuple(groups))}",
                )
        if not (selector.rules or selector.families or selector.groups):
            self.error(loc, "select needs rules, families or groups")
        return selector

    def adjustment(
        self, value: Any, loc: Loc, groups: dict[str, Group], seen: set[str]
    ) -> Adjustment:
        value = self.mapping(value, loc, "an adjustment")
        self.keys(
            value,
            loc,
            ("id", "when", "select", "at_most", "at_least", "ignore", "explain"),
            "an adjustment",
        )
        adj_id = value.get("id")
        if not isinstance(adj_id, str) or not _ID.match(adj_id):
            self.error(
                (*loc, "id"), "an adjustment needs an id (lower case letters, digits, - or _)"
            )
            adj_id = "?"
        elif adj_id in seen:
            self.error((*loc, "id"), f"duplicate adjustment id '{adj_id}'")
        seen.add(adj_id)
        effects = [k for k in ("at_most", "at_least", "ignore") if k in value]
        if len(effects) != 1:
            self.error(loc, "an adjustment needs exactly one of at_most, at_least, ignore")
        at_most = at_least = None
        if "at_most" in value:
            at_most = self.choice(value["at_most"], (*loc, "at_most"), GRADED, "at_most")
        if "at_least" in value:
            at_least = self.choice(value["at_least"], (*loc, "at_least"), GRADED, "at_least")
        if "ignore" in value and value["ignore"] is not True:
            self.error((*loc, "ignore"), "ignore must be true (remove it otherwise)")
        return Adjustment(
            id=adj_id,
            when=self.when(value.get("when"), (*loc, "when")),
            select=self.selector(value.get("select"), (*loc, "select"), groups),
            explain=self.texts(
                value.get("explain"), (*loc, "explain"), f"adjustment '{adj_id}' explain"
            ),
            at_most=at_most,
            at_least=at_least,
            ignore=value.get("ignore") is True,
        )

    def basis(self, value: Any, loc: Loc, groups: dict[str, Group]) -> RecommendedBasis:
        value = self.mapping(value, loc, "recommended_basis")
        self.keys(
            value,
            loc,
            ("operator_kind", "safeguard_groups", "otherwise", "explain", "met"),
            "recommended_basis",
        )
        safeguard_groups = self.text_list(
            value.get("safeguard_groups"), (*loc, "safeguard_groups"), "safeguard_groups"
        )
        for index, group in enumerate(safeguard_groups):
            if group not in groups:
                self.error((*loc, "safeguard_groups", index), f"unknown group '{group}'")
        return RecommendedBasis(
            operator_kind=self.choices(
                value.get("operator_kind", []),
                (*loc, "operator_kind"),
                CONTEXT_VALUES["operator_kind"],
                "operator_kind",
            ),
            safeguard_groups=safeguard_groups,
            otherwise=self.choice(
                value.get("otherwise"), (*loc, "otherwise"), GRADED[1:], "otherwise"
            ),
            explain=self.texts(
                value.get("explain"), (*loc, "explain"), "recommended_basis explain"
            ),
            met=self.texts(value.get("met"), (*loc, "met"), "recommended_basis met"),
        )

    # -- the whole file ----------------------------------------------------------------------
    def policy(self, source: str) -> LevelPolicy:
        root = self.mapping(self.doc.data, (), "the policy")
        self.keys(root, (), REQUIRED + OPTIONAL, "the policy")
        for name in REQUIRED:
            if root and name not in root:
                self.error((), f"missing key '{name}'")
        version = root.get("version")
        if not isinstance(version, str | int | float) or not str(version).strip():
            self.error(("version",), 'version must be a non-empty string, e.g. "2.0"')
        order = root.get("order")
        if order != list(GRADED):
            self.error(("order",), f"order must be [{', '.join(GRADED)}] (a-verifier stays apart)")
        labels_raw = self.mapping(root.get("labels", {}), ("labels",), "labels")
        labels = {
            level: self.texts(labels_raw.get(level), ("labels", level), f"label of {level}")
            for level in LEVELS
        }
        self.keys(labels_raw, ("labels",), LEVELS, "labels")
        risk_raw = self.mapping(root.get("risk_levels", {}), ("risk_levels",), "risk_levels")
        self.keys(risk_raw, ("risk_levels",), SEVERITIES, "risk_levels")
        risk_levels = {}
        for severity in SEVERITIES:
            if severity not in risk_raw:
                self.error(("risk_levels",), f"risk_levels needs '{severity}'")
                continue
            risk_levels[severity] = self.choice(
                risk_raw[severity], ("risk_levels", severity), GRADED, f"risk_levels.{severity}"
            )
        conclusive = self.choice(
            root.get("conclusive_from"), ("conclusive_from",), GRADED, "conclusive_from"
        )
        blocks = self.choice(
            root.get("unknown_blocks_from"),
            ("unknown_blocks_from",),
            SEVERITIES,
            "unknown_blocks_from",
        )
        complete = root.get("require_complete_collection")
        if not isinstance(complete, bool):
            self.error(
                ("require_complete_collection",),
                "require_complete_collection must be true or false",
            )
        key_documents = self.choices(
            root.get("key_documents", []), ("key_documents",), DOCUMENT_TYPES, "key_documents"
        )
        precondition = self.choice(
            root.get("precondition_failed", "not_applicable"),
            ("precondition_failed",),
            ("not_applicable", "unknown"),
            "precondition_failed",
        )
        groups_raw = self.mapping(root.get("groups") or {}, ("groups",), "groups")
        groups = {
            name: self.group(str(name), value, ("groups", name))
            for name, value in groups_raw.items()
        }
        protected = self.text_list(root.get("protected"), ("protected",), "protected")
        for index, group in enumerate(protected):
            if group not in groups:
                self.error(("protected", index), f"unknown group '{group}'")
        seen: set[str] = set()
        adjustments_raw = root.get("adjustments") or []
        if not isinstance(adjustments_raw, list):
            self.error(("adjustments",), "adjustments must be a list")
            adjustments_raw = []
        adjustments = tuple(
            self.adjustment(item, ("adjustments", index), groups, seen)
            for index, item in enumerate(adjustments_raw)
        )
        basis = (
            self.basis(root["recommended_basis"], ("recommended_basis",), groups)
            if root.get("recommended_basis") is not None
            else None
        )
        actions_raw = root.get("actions") or []
        if not isinstance(actions_raw, list):
            self.error(("actions",), "actions must be a list")
            actions_raw = []
        actions = tuple(self.action(item, ("actions", i)) for i, item in enumerate(actions_raw))
        texts_raw = self.mapping(root.get("texts", {}), ("texts",), "texts")
        self.keys(texts_raw, ("texts",), tuple(TEXT_KEYS), "texts")
        texts = {
            key: self.texts(texts_raw.get(key), ("texts", key), f"texts.{key}", names)
            for key, names in TEXT_KEYS.items()
        }
        return LevelPolicy(
            version=str(version),
            order=GRADED,
            labels=labels,
            risk_levels=risk_levels,
            conclusive_from=conclusive,
            unknown_blocks_from=blocks,
            require_complete_collection=bool(complete),
            key_documents=tuple(key_documents),
            precondition_failed=precondition,
            groups=groups,
            protected=protected,
            adjustments=adjustments,
            recommended_basis=basis,
            actions=actions,
            texts=texts,
            source=source,
        )

    def action(self, value: Any, loc: Loc) -> ContextAction:
        value = self.mapping(value, loc, "an action")
        self.keys(value, loc, ("when", "text"), "an action")
        return ContextAction(
            when=self.when(value.get("when"), (*loc, "when"), {"level": LEVELS}),
            text=self.texts(value.get("text"), (*loc, "text"), "action text"),
        )


def _closest(name: str, choices: tuple[str, ...]) -> str:
    """A "did you mean" hint for typos."""
    import difflib

    match = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_policy(text: str, display: str = "<policy>") -> LevelPolicy:
    """Parse policy text; raise :class:`PolicyError` listing every problem."""
    located = load_located(text)
    if located.problems or located.data is None:
        problems = [f"{display}:{pos.line}:{pos.col}: {msg}" for pos, msg in located.problems]
        raise PolicyError(problems or [f"{display}:1:1: empty file"])
    checker = _Checker(located, display)
    policy = checker.policy(display)
    if checker.problems:
        raise PolicyError(checker.formatted())
    return policy


def load_policy(path: Path | None = None) -> LevelPolicy:
    """Read and check a policy file (the built-in one by default)."""
    path = path or data_path("levels.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"{_display(path)}: politique illisible / unreadable policy: {exc}"
        raise PolicyError([message]) from None
    return parse_policy(text, _display(path))


@cache
def default_policy() -> LevelPolicy:
    """The built-in policy, read once."""
    return load_policy()


def pattern_matches(pattern: str, value: str) -> bool:
    """Rule ids and fact paths: exact, shell-style pattern, or a path prefix."""
    if value == pattern or value.startswith(pattern + "."):
        return True
    return fnmatch.fnmatchcase(value, pattern)
