"""Message catalog, localised dates and numbers, French typography.

One YAML file per language (``messages/<lang>.yaml``) keeps translators out of the code;
nested keys are flattened to dotted names (``level.deconseille``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import yaml

from rgpd_check.render.interface import RenderError
from rgpd_check.resources import package_file

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANG = "fr"

NARROW_NBSP = "\u202f"

# A space (or none) before ; ! ? » when the mark ends a word: not in "?q=1" nor "?!".
_BEFORE_MARK = re.compile(r"(?<=[^\s\u202f\u00a0;:!?«])[ \u00a0]?([;!?»])(?=\s|$|[;:!?»)\].,])")
# The colon only when followed by a space or the end, so "https://" and "18:07" stay intact.
_BEFORE_COLON = re.compile(r"(?<=[^\s\u202f\u00a0;:!?«])[ \u00a0]?:(?=\s|$)")
_AFTER_OPENING = re.compile(r"«[ \u00a0]?(?=\S)")
_HTTP_STATUS = re.compile(r"^http_(\d{3})$")
_RECITAL = re.compile(r"(?i)^(?:recital|considérant|cons\.)\s*(\d+)$")


def french_typography(text: str) -> str:
    """Put narrow no-break spaces where French typography wants them.

    Only for the catalog's own texts: quotes from third-party documents are evidence and must
    stay byte for byte as collected.
    """
    text = _BEFORE_MARK.sub(lambda m: NARROW_NBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NARROW_NBSP + ":", text)
    return _AFTER_OPENING.sub("«" + NARROW_NBSP, text)


def check_lang(lang: str) -> None:
    """Refuse a language the catalog does not have, with the list of the ones it has."""
    if lang not in LANGUAGES:
        raise RenderError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def load_catalog(lang: str) -> dict[str, Any]:
    """The flattened catalog of one language (cached: the files ship with the package)."""
    check_lang(lang)
    path = package_file(f"render/messages/{lang}.yaml")
    with path.open(encoding="utf-8") as handle:
        tree = yaml.safe_load(handle)
    return _flatten(tree)


def parse_datetime(value: str) -> datetime | date | None:
    """Read an ISO 8601 date or date-time from a report; None when it is not one."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class Messages:
    """Texts of one language, with the formatting habits of that language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._catalog = load_catalog(lang)

    def has(self, key: str) -> bool:
        """Whether the catalog knows ``key`` (codes from reports may be new)."""
        return key in self._catalog

    def t(self, key: str, **kwargs: Any) -> str:
        """The text for ``key``; typography is applied before values are put in."""
        template = self._catalog[key]
        if not isinstance(template, str):
            raise TypeError(f"message {key!r} is not a text")
        if self.lang == "fr":
            template = french_typography(template)
        return template.format(**kwargs)

    def tn(self, key: str, count: int, **kwargs: Any) -> str:
        """The singular or plural text for ``count`` (French: 0 and 1 are singular)."""
        singular = count < 2 if self.lang == "fr" else count == 1
        form = "one" if singular else "other"
        return self.t(f"{key}.{form}", count=self.number(count), **kwargs)

    def label(self, prefix: str, code: object) -> str:
        """The catalog label of a code, or the code itself when the catalog does not know it."""
        key = f"{prefix}.{code}"
        return self.t(key) if self.has(key) else str(code)

    def failure(self, code: object) -> str:
        """A crawler failure code in words: ``http_404`` → "page introuvable (HTTP 404)"."""
        key = f"failure_reason.{code}"
        if self.has(key):
            return self.t(key)
        status = _HTTP_STATUS.match(str(code))
        if status:
            number = int(status.group(1))
            kind = (
                "not_found"
                if number in (404, 410)
                else "forbidden"
                if number in (401, 403)
                else "server"
                if number >= 500
                else "other"
            )
            return self.t(f"failure_reason.http.{kind}", code=number)
        return str(code)

    def gdpr(self, reference: object) -> str:
        """A GDPR reference as a reader says it: "art. 28(3)", "considérant 38"."""
        text = str(reference).strip()
        recital = _RECITAL.match(text)
        if recital:
            return self.t("finding.recital", number=recital.group(1))
        return self.t("finding.article", article=text)

    def prose(self, text: object, text_lang: str | None = None) -> str:
        """Our own texts (rules, policy) typeset for French; never used for quotes."""
        value = str(text)
        return french_typography(value) if (text_lang or self.lang) == "fr" else value

    def number(self, value: float) -> str:
        """A number with this language's separators (1 234,5 / 1,234.5)."""
        if isinstance(value, int) or float(value).is_integer():
            text = f"{int(value):,}"
        else:
            text = f"{value:,.1f}"
        thousands = self._catalog["format.thousands_separator"]
        decimal = self._catalog["format.decimal_separator"]
        return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)

    def size(self, n_bytes: int) -> str:
        """A file size in this language's units (ko or kB)."""
        if n_bytes < 1000:
            return self.t("format.bytes", value=self.number(n_bytes))
        if n_bytes < 1_000_000:
            return self.t("format.kilobytes", value=self.number(round(n_bytes / 1000, 1)))
        return self.t("format.megabytes", value=self.number(round(n_bytes / 1_000_000, 1)))

    def _day(self, day: int) -> str:
        return str(self._catalog["format.first_day"]) if day == 1 else str(day)

    def date(self, value: date) -> str:
        """A calendar date: "1er décembre 2026" / "1 December 2026"."""
        month = self._catalog["format.months"][value.month - 1]
        return self.t("format.date", day=self._day(value.day), month=month, year=value.year)

    def datetime(self, value: datetime) -> str:
        """A moment in UTC: "29 novembre 2026 à 18 h 07" / "29 November 2026, 18:07 UTC"."""
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        month = self._catalog["format.months"][moment.month - 1]
        return self.t(
            "format.datetime",
            day=self._day(moment.day),
            month=month,
            year=moment.year,
            hour=moment.hour,
            minute=moment.minute,
        )

    def when(self, value: str) -> str:
        """A date or date-time string from a report, localised; shown as is if unreadable."""
        parsed = parse_datetime(value)
        if isinstance(parsed, datetime):
            return self.datetime(parsed)
        if isinstance(parsed, date):
            return self.date(parsed)
        return value

    def join(self, items: list[str]) -> str:
        """Items joined with this language's list separator."""
        return str(self._catalog["format.list_separator"]).join(items)
