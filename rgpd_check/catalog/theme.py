"""The website's theme: templates, texts, colours and logo an academy overrides without forking.

Search order (as mkdocs): the academy's theme folder, then ``themes/default/`` here, then
the report renderer's theme (whose ``_level_badge.html`` partial and ``style.css`` the site
reuses). ``theme.yaml`` and ``messages/<lang>.yaml`` are merged key by key over the
defaults, so an override folder may hold a single line.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from rgpd_check.errors import InputError
from rgpd_check.render.theme import default_theme_dir as report_theme_dir
from rgpd_check.render.theme import gdpr_url
from rgpd_check.resources import package_file


def default_site_theme() -> Path:
    return package_file("catalog/themes/default")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{path}: fichier de thème illisible / unreadable theme file: {exc}"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: un dictionnaire est attendu / a mapping is expected")
    return data


@dataclass
class SiteTheme:
    """One theme, resolved: folders to search, settings and texts for one language."""

    lang: str = "fr"
    override: Path | None = None
    folders: list[Path] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, override: Path | None = None, lang: str = "fr") -> SiteTheme:
        if override is not None and not override.is_dir():
            raise InputError(f"{override}: dossier de thème introuvable / theme folder not found")
        folders = [p for p in (override, default_site_theme()) if p is not None]
        config: dict[str, Any] = {}
        messages: dict[str, Any] = {}
        for folder in reversed(folders):
            config = _merge(config, _read_yaml(folder / "theme.yaml"))
            messages = _merge(messages, _read_yaml(folder / "messages" / f"{lang}.yaml"))
        if not messages:
            raise InputError(
                f"langue du site non prise en charge / unsupported site language: {lang}"
            )
        return cls(lang=lang, override=override, folders=folders, config=config, messages=messages)

    def t(self, key: str, **values: Any) -> str:
        """A text of the theme; ``${name}`` placeholders are filled from ``values``."""
        node: Any = self.messages
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"missing site text '{key}' ({self.lang})")
            node = node[part]
        if isinstance(node, dict):
            node = node.get(self.lang) or next(iter(node.values()))
        return string.Template(str(node)).safe_substitute(values)

    def setting(self, key: str) -> Any:
        value = self.config.get(key)
        if isinstance(value, dict) and self.lang in value:
            return value[self.lang]
        return value

    def environment(self) -> Environment:
        """Autoescaping everywhere and failing on any missing variable, as the reports do."""
        search = [str(p) for p in self.folders] + [str(report_theme_dir())]
        env = Environment(
            loader=FileSystemLoader(search),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["gdpr_url"] = gdpr_url
        env.filters["doc_type"] = self.document_label
        return env

    def document_label(self, doc_type: str) -> str:
        """A document type (``privacy_policy``) as the site's texts name it."""
        types = self.messages.get("document_type") or {}
        return str(types.get(doc_type, doc_type))

    def asset_files(self) -> dict[str, Path]:
        """Files to copy under ``assets/``; the override's win by name."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            assets = folder / "assets"
            if assets.is_dir():
                for path in sorted(assets.rglob("*")):
                    if path.is_file():
                        files[str(path.relative_to(assets))] = path
        return files

    def stylesheet(self) -> str:
        """One CSS file: the report theme's, the site's, the colours, then ``extra.css``."""
        parts = [(report_theme_dir() / "style.css").read_text(encoding="utf-8")]
        site_css = self.asset_files().get("site.css")
        if site_css:
            parts.append(site_css.read_text(encoding="utf-8"))
        colours = self.config.get("colours") or {}
        if colours:
            lines = [
                f"  {name}: {value};" for name, value in colours.items() if _safe_css(name, value)
            ]
            parts.append(":root {\n" + "\n".join(lines) + "\n}")
        for folder in reversed(self.folders):
            extra = folder / "extra.css"
            if extra.is_file():
                parts.append(extra.read_text(encoding="utf-8"))
        return "\n\n".join(parts)


def _safe_css(name: object, value: object) -> bool:
    """Only custom properties with plain values: a theme file cannot inject rules."""
    text = str(value)
    return (
        isinstance(name, str)
        and name.startswith("--")
        and all(c.isalnum() or c in "-_" for c in name[2:])
        and not any(c in text for c in ";{}<>\\")
    )
