"""Check one rule file and build its rules; every problem becomes a ``RuleError``.

Envelope by JSON Schema (``schemas/rules.schema.json``), then conditions, fact paths,
constants and embedded test facts by hand, so that messages stay short and precise.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from rgpd_check.facts import allowed_values, has_wildcard, path_problem, validate_facts
from rgpd_check.facts.schema import value_types
from rgpd_check.resources import package_file

from .model import AllOf, AnyOf, Condition, Leaf, Not, Rule, RuleError, RuleTest
from .operators import OPERATORS, kind, value_problem
from .yamlpos import Loc, Located, Pos, load_located

COMBINATORS = ("all", "any", "not")
LEAF_KEYS = ("fact", "op", "value", "value_fact", "quantifier")
LANGUAGES = {"fr": "French", "en": "English"}
DATA_KEYS = {"data", "path", "where", "select"}


@cache
def _envelope() -> Draft202012Validator:
    with package_file("schemas/rules.schema.json").open(encoding="utf-8") as handle:
        return Draft202012Validator(json.load(handle))


def did_you_mean(word: object, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class FileChecker:
    """Validates one rule file; ``rules`` holds the rules built when they are valid."""

    def __init__(self, path: Path, display: str, data_dirs: list[Path]) -> None:
        self.path = path
        self.display = display
        self.data_dirs = data_dirs
        self.errors: list[RuleError] = []
        self.rules: list[Rule] = []
        self.ids: list[tuple[str, Pos]] = []
        self.constants: dict[str, Any] = {}
        self.bad_constants: set[str] = set()
        self.broken_rules: set[int] = set()  # indices of rules with at least one error
        self.doc = Located(None)

    # -- reporting ---------------------------------------------------------------

    def _label(self, loc: Loc) -> tuple[str, Loc]:
        """A rule's id (or ``rules[i]``) and the rest of the location."""
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = self.doc.data.get("rules") if isinstance(self.doc.data, dict) else None
            rule = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
            rule_id = rule.get("id") if isinstance(rule, dict) else None
            label = rule_id if isinstance(rule_id, str) and rule_id else f"rules[{loc[1]}]"
            return label, loc[2:]
        return "", loc

    def report(self, loc: Loc, message: str, *, at_key: bool = False) -> None:
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            self.broken_rules.add(loc[1])
        pos = self.doc.key_pos(loc) if at_key else self.doc.pos(loc)
        label, rest = self._label(loc[:-1] if at_key else loc)
        where = ": ".join(part for part in (label, format_loc(rest)) if part)
        text = f"{where}: {message}" if where else message
        self.errors.append(RuleError(self.display, pos.line, pos.col, text))

    # -- whole file --------------------------------------------------------------

    def check(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.errors.append(RuleError(self.display, 1, 1, f"cannot read file: {error}"))
            return
        self.doc = load_located(text)
        for pos, message in self.doc.problems:
            self.errors.append(RuleError(self.display, pos.line, pos.col, message))
        data = self.doc.data
        if data is None:
            return
        for problem in _envelope().iter_errors(data):
            self._envelope_error(problem)
        if not isinstance(data, dict):
            return
        family = data.get("family")
        if isinstance(family, str) and family != self.path.stem:
            self.report(
                ("family",),
                f"'{family}' does not match the file name "
                f"'{self.path.name}' (expected family '{self.path.stem}')",
            )
        if isinstance(data.get("constants"), dict):
            self._constants(data["constants"])
        rules = data.get("rules")
        if isinstance(rules, list):
            for index, rule in enumerate(rules):
                if isinstance(rule, dict):
                    self._rule(rule, ("rules", index), family)

    def _envelope_error(self, error: ValidationError) -> None:
        loc: Loc = tuple(error.absolute_path)
        instance = error.instance
        validator = error.validator
        if validator == "required" and isinstance(instance, dict):
            for key in error.validator_value:
                known = list(error.schema.get("properties", {}))
                if key in instance or self._misspelt(instance, key, known):
                    continue
                if key in LANGUAGES and loc and loc[-1] in ("title", "recommendation"):
                    self.report(loc, f"missing {LANGUAGES[key]} text '{key}'")
                else:
                    self.report(loc, f"missing key '{key}'")
        elif validator == "additionalProperties" and isinstance(instance, dict):
            known = sorted(error.schema.get("properties", {}))
            for key in instance:
                if key not in known:
                    self.report(
                        (*loc, key), f"unknown key '{key}'{did_you_mean(key, known)}", at_key=True
                    )
        elif validator == "enum":
            choices = [str(choice) for choice in error.validator_value]
            self.report(
                loc,
                f"{instance!r} is not one of {', '.join(choices)}{did_you_mean(instance, choices)}",
            )
        elif validator in ("pattern", "minLength") and "x-message" in error.schema:
            self.report(loc, f"{instance!r}: {error.schema['x-message']}")
        elif validator == "minLength":
            self.report(loc, "must not be empty")
        elif validator == "minItems":
            self.report(loc, f"needs at least {error.validator_value} item(s)")
        elif validator == "type":
            hint = (
                f' (quote it: "{instance}")'
                if (error.validator_value == "string" and kind(instance) in ("number", "boolean"))
                else ""
            )
            self.report(loc, f"expected {error.validator_value}, got {kind(instance)}{hint}")
        else:
            self.report(loc, error.message)

    def _misspelt(self, instance: dict[str, Any], key: str, known: list[str]) -> bool:
        """A required key that is only misspelt is reported once, as an unknown key."""
        return any(
            difflib.get_close_matches(str(other), [key], n=1, cutoff=0.6)
            for other in instance
            if other not in known
        )

    # -- constants ---------------------------------------------------------------

    def _constants(self, constants: dict[str, Any]) -> None:
        for name, value in constants.items():
            loc: Loc = ("constants", name)
            if isinstance(value, dict) and {"data", "path"} <= set(value) <= DATA_KEYS:
                value = self._data_constant(str(name), value, loc)
                if value is None:
                    self.bad_constants.add(str(name))
                    continue
            elif isinstance(value, dict):
                self.report(
                    loc,
                    "a constant is a literal list or "
                    "{data: FILE, path: KEY, where?: {KEY: VALUE}, select?: KEY}",
                )
                self.bad_constants.add(str(name))
                continue
            if isinstance(value, list) and {kind(v) for v in value} == {"string", "boolean"}:
                self.report(
                    loc,
                    "mixes strings and booleans (YAML reads unquoted "
                    "yes/no/on/off, e.g. NO for Norway, as booleans: quote them)",
                )
                self.bad_constants.add(str(name))
            self.constants[str(name)] = value

    def _data_constant(self, name: str, ref: dict[str, Any], loc: Loc) -> Any:
        file_name, dotted = ref["data"], ref["path"]
        if not isinstance(file_name, str) or not isinstance(dotted, str):
            self.report(loc, "'data' and 'path' must be strings")
            return None
        candidates = [folder / file_name for folder in self.data_dirs]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            self.report((*loc, "data"), f"constant '{name}': data file '{file_name}' not found")
            return None
        try:
            node: Any = yaml.safe_load(found.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            self.report((*loc, "data"), f"constant '{name}': cannot read '{file_name}': {error}")
            return None
        for segment in dotted.split("."):
            if not isinstance(node, dict) or segment not in node:
                keys = sorted(map(str, node)) if isinstance(node, dict) else []
                self.report(
                    (*loc, "path"),
                    f"constant '{name}': no '{dotted}' in "
                    f"'{file_name}'{did_you_mean(segment, keys)}",
                )
                return None
            node = node[segment]
        return self._refine(name, node, ref, loc)

    def _refine(self, name: str, node: Any, ref: dict[str, Any], loc: Loc) -> Any:
        """Apply ``where`` (keep matching entries) then ``select`` (one key of each)."""
        where, select = ref.get("where"), ref.get("select")
        if where is None and select is None:
            return node
        if not isinstance(node, list) or not all(isinstance(item, dict) for item in node):
            self.report(loc, f"constant '{name}': 'where'/'select' need a list of mappings")
            return None
        if where is not None:
            if not isinstance(where, dict):
                self.report((*loc, "where"), f"constant '{name}': 'where' is a mapping")
                return None
            node = [
                item
                for item in node
                if all(
                    k in item and kind(item[k]) == kind(v) and item[k] == v
                    for k, v in where.items()
                )
            ]
        if select is not None:
            if not isinstance(select, str) or any(select not in item for item in node):
                self.report(
                    (*loc, "select"), f"constant '{name}': not every entry has a key {select!r}"
                )
                return None
            node = [item[select] for item in node]
        return node

    # -- rules -------------------------------------------------------------------

    def _rule(self, rule: dict[str, Any], loc: Loc, family: Any) -> None:
        rule_id = rule.get("id")
        if isinstance(rule_id, str):
            self.ids.append((rule_id, self.doc.pos((*loc, "id"))))
        when = self._condition(rule["when"], (*loc, "when")) if "when" in rule else None
        requires = (
            self._condition(rule["requires"], (*loc, "requires")) if "requires" in rule else None
        )
        evidence = rule.get("evidence")
        if isinstance(evidence, list):
            for index, path in enumerate(evidence):
                if isinstance(path, str) and (problem := path_problem(path)):
                    self.report((*loc, "evidence", index), problem)
        tests = self._tests(rule.get("tests"), loc)
        if loc[1] in self.broken_rules or when is None or not isinstance(family, str):
            return
        self.rules.append(
            Rule(
                id=rule["id"],
                family=family,
                kind=rule["kind"],
                severity=rule["severity"],
                reliability=rule["reliability"],
                title=dict(rule["title"]),
                recommendation=dict(rule["recommendation"]),
                gdpr=list(rule["gdpr"]),
                references=list(rule.get("references", [])),
                when=when,
                requires=requires,
                evidence=list(rule["evidence"]),
                tests=tests,
                source_file=self.display,
                line=self.doc.pos(loc).line,
            )
        )

    def _tests(self, tests: Any, loc: Loc) -> list[RuleTest]:
        if not isinstance(tests, list):
            return []
        built: list[RuleTest] = []
        for index, test in enumerate(tests):
            if not isinstance(test, dict):
                continue
            test_loc = (*loc, "tests", index)
            facts = test.get("facts")
            if isinstance(facts, dict):
                document = {"facts_version": 1, **facts}
                for problem in validate_facts(document):
                    where = "facts: " if problem.startswith("(document): ") else "facts."
                    self.report(test_loc, where + problem.removeprefix("(document): "))
            if test.get("expect") in ("match", "no_match", "unknown") and isinstance(facts, dict):
                built.append(
                    RuleTest(
                        name=str(test.get("name", index)),
                        expect=test["expect"],
                        facts=facts,
                        todo=bool(test.get("todo", False)),
                        line=self.doc.pos(test_loc).line,
                    )
                )
        expects = [test.get("expect") for test in tests if isinstance(test, dict)]
        if "match" not in expects or "no_match" not in expects:
            self.report(
                (*loc, "tests"),
                "tests need at least one 'match' and one 'no_match' case",
                at_key=True,
            )
        return built

    # -- conditions --------------------------------------------------------------

    def _condition(self, node: Any, loc: Loc) -> Condition | None:
        if not isinstance(node, dict) or not node:
            self.report(loc, "a condition is a mapping with one of: all, any, not, fact")
            return None
        if "fact" in node or "op" in node:
            return self._leaf(node, loc)
        keys = list(node)
        unknown = [key for key in keys if key not in COMBINATORS]
        for key in unknown:
            self.report(
                (*loc, key),
                f"unknown key '{key}' in a condition{did_you_mean(key, [*COMBINATORS, 'fact'])}",
                at_key=True,
            )
        combinators = [key for key in keys if key in COMBINATORS]
        if len(combinators) != 1:
            if not unknown:
                self.report(loc, "a condition has exactly one of: all, any, not, fact")
            return None
        key = combinators[0]
        if unknown:
            return None
        if key == "not":
            child = self._condition(node["not"], (*loc, "not"))
            return Not(child) if child is not None else None
        items = node[key]
        if not isinstance(items, list) or not items:
            self.report((*loc, key), f"'{key}' needs a non-empty list of conditions")
            return None
        children = [self._condition(item, (*loc, key, i)) for i, item in enumerate(items)]
        if any(child is None for child in children):
            return None
        parts = tuple(child for child in children if child is not None)
        return AllOf(parts) if key == "all" else AnyOf(parts)

    def _leaf(self, node: dict[str, Any], loc: Loc) -> Leaf | None:
        before = len(self.errors)
        for key in node:
            if key not in LEAF_KEYS:
                self.report(
                    (*loc, key),
                    f"unknown key '{key}' in a condition{did_you_mean(key, list(LEAF_KEYS))}",
                    at_key=True,
                )
        fact, op_name = node.get("fact"), node.get("op")
        if not isinstance(fact, str):
            self.report(loc, "a condition needs 'fact: PATH'")
        elif problem := path_problem(fact):
            self.report((*loc, "fact"), problem)
        if not isinstance(op_name, str) or op_name not in OPERATORS:
            if op_name is None:
                self.report(loc, "a condition needs 'op: OPERATOR'")
            else:
                self.report(
                    (*loc, "op"),
                    f"unknown operator '{op_name}'{did_you_mean(op_name, list(OPERATORS))}",
                )
            return None
        op = OPERATORS[op_name]
        value, value_name = node.get("value"), None
        has_value, value_fact = "value" in node, node.get("value_fact")
        if op.value == "none":
            if has_value or "value_fact" in node:
                self.report(loc, f"operator '{op_name}' takes no value")
        elif has_value and "value_fact" in node:
            self.report(loc, "use either 'value' or 'value_fact', not both")
        elif "value_fact" in node:
            self._value_fact(value_fact, op_name, loc)
        elif not has_value:
            self.report(loc, f"operator '{op_name}' needs a 'value' (or a 'value_fact')")
        else:
            value, value_name = self._value(value, op_name, (*loc, "value"))
        quantifier = node.get("quantifier", "any")
        if quantifier not in ("any", "all"):
            self.report(
                (*loc, "quantifier"), f"quantifier must be 'any' or 'all', got {quantifier!r}"
            )
        elif "quantifier" in node and op.shape != "element":
            self.report(
                (*loc, "quantifier"),
                f"operator '{op_name}' compares the whole value; "
                "a quantifier applies only to per-element operators",
            )
        if len(self.errors) == before and isinstance(fact, str):
            self._fits_schema(fact, op_name, value, value_name, (*loc, "op"))
        if len(self.errors) > before or not isinstance(fact, str):
            return None
        pattern = re.compile(value) if op.value == "regex" and isinstance(value, str) else None
        return Leaf(
            fact=fact,
            op=op_name,
            value=value,
            value_name=value_name,
            value_fact=value_fact,
            quantifier=quantifier,
            pattern=pattern,
        )

    def _value(self, value: Any, op_name: str, loc: Loc) -> tuple[Any, str | None]:
        name = None
        if isinstance(value, str) and value.startswith("$"):
            name = value
            if value[1:] in self.bad_constants:
                return None, name
            if value[1:] not in self.constants:
                choices = [f"${known}" for known in self.constants]
                self.report(loc, f"unknown constant '{value}'{did_you_mean(value, choices)}")
                return None, name
            value = self.constants[value[1:]]
        if problem := value_problem(OPERATORS[op_name].value, value):
            self.report(loc, f"operator '{op_name}' {problem}")
        return value, name

    def _value_fact(self, value_fact: Any, op_name: str, loc: Loc) -> None:
        if OPERATORS[op_name].value == "regex":
            self.report(loc, f"operator '{op_name}' needs a literal 'value'")
        elif not isinstance(value_fact, str):
            self.report((*loc, "value_fact"), "value_fact must be a fact path")
        elif problem := path_problem(value_fact):
            self.report((*loc, "value_fact"), problem)
        elif has_wildcard(value_fact):
            self.report((*loc, "value_fact"), "value_fact must name one value (no '*')")

    def _fits_schema(
        self, fact: str, op_name: str, value: Any, value_name: str | None, loc: Loc
    ) -> None:
        """Catch an operator applied to the wrong type, or a literal the fact never takes."""
        op = OPERATORS[op_name]
        if op.shape == "presence":
            return
        types = {"array"} if op.shape == "whole" and has_wildcard(fact) else value_types(fact)
        usable = (types or set()) - {"null"}
        if usable and not usable & op.accepts:
            hint = (
                f"; use '{fact}.*' to test each element"
                if op.shape == "element" and "array" in usable
                else ""
            )
            self.report(
                loc,
                f"operator '{op_name}' does not apply to '{fact}' "
                f"({' or '.join(sorted(usable))}){hint}",
            )
            return
        allowed = allowed_values(fact)
        if not allowed or value_name is not None:
            return
        literals = value if isinstance(value, list) else [value]
        for literal in literals:
            if isinstance(literal, str) and literal not in allowed:
                choices = [str(choice) for choice in allowed]
                self.report(
                    (*loc[:-1], "value"),
                    f"{literal!r} is never a value of '{fact}'{did_you_mean(literal, choices)}",
                )


def check_file(path: Path, display: str, data_dirs: list[Path]) -> FileChecker:
    """Validate one rule file; read ``errors``, ``rules`` and ``ids`` on the result."""
    checker = FileChecker(path, display, data_dirs)
    checker.check()
    return checker
