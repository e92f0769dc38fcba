"""Load the built-in rules and the user's, with replacement by id and one error report."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from rgpd_check.resources import rules_dir

from .model import Replacement, Rule, RuleError, RuleLoadError, RuleSet
from .validate import check_file
from .yamlpos import Pos


def _display(path: Path) -> str:
    """Path as shown in messages: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _rule_files(folder: Path) -> list[Path]:
    """``*.yaml`` directly in ``folder`` (``data/`` and other sub-folders are not rules)."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def _expand(paths: Sequence[Path], errors: list[RuleError]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(_rule_files(path))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(RuleError(_display(path), 1, 1, "no such rule file or folder"))
    unique = {path.resolve(): path for path in reversed(files)}  # a file named twice loads once
    return sorted(unique.values(), key=files.index)


def _builtin_version(folder: Path) -> str:
    try:
        return (folder / "VERSION").read_text(encoding="utf-8").strip() or "0"
    except OSError:
        return "0"


def _local_suffix(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: str(p.resolve())):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            pass
    return f"+local.{digest.hexdigest()[:8]}"


def _load_group(
    files: list[Path], errors: list[RuleError]
) -> tuple[dict[str, Rule], dict[str, tuple[str, Pos]]]:
    """Rules of a group of files (built-in or user) by id; duplicates are errors."""
    rules: dict[str, Rule] = {}
    seen: dict[str, tuple[str, Pos]] = {}
    for path in files:
        display = _display(path)
        checker = check_file(path, display, [path.parent / "data", rules_dir() / "data"])
        errors.extend(checker.errors)
        for rule_id, pos in checker.ids:
            if rule_id in seen:
                first_file, first = seen[rule_id]
                errors.append(
                    RuleError(
                        display,
                        pos.line,
                        pos.col,
                        f"duplicate rule id '{rule_id}' (also at "
                        f"{first_file}:{first.line}:{first.col})",
                    )
                )
            else:
                seen[rule_id] = (display, pos)
        for rule in checker.rules:
            rules.setdefault(rule.id, rule)
    return rules, seen


def load_rules(extra_paths: Sequence[Path] = (), *, include_builtin: bool = True) -> RuleSet:
    """Built-in rules (unless excluded) plus user rule files or folders.

    A user rule with a built-in rule's id replaces it (listed in ``replacements``).
    Raises ``RuleLoadError`` with every problem of every file.
    """
    errors: list[RuleError] = []
    builtin_files = _rule_files(rules_dir()) if include_builtin else []
    user_files = _expand(extra_paths, errors)
    builtin, _ = _load_group(builtin_files, errors)
    user, _ = _load_group(user_files, errors)
    if errors:
        raise RuleLoadError(errors)

    replacements = [
        Replacement(rule_id, builtin[rule_id].source_file, rule.source_file)
        for rule_id, rule in sorted(user.items())
        if rule_id in builtin
    ]
    merged = {**builtin, **user}
    rules = sorted(merged.values(), key=lambda r: (r.family, r.id))
    version = _builtin_version(rules_dir()) if include_builtin else "0"
    if user_files:
        version += _local_suffix(user_files)
    return RuleSet(
        rules=rules, version=version, replacements=replacements, files=[*builtin_files, *user_files]
    )
