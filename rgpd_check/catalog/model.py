"""The catalog as typed, immutable data: one :class:`Tool` per ``catalog/<id>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rgpd_check.catalog.vocabulary import most_demanding_audience, youngest_level


@dataclass(frozen=True)
class Sourced:
    """Where a statement comes from: ``verified_on`` a date, or explicitly ``unverified``."""

    source: str
    verified_on: str | None = None
    unverified: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Vendor:
    name: str
    country: str
    provenance: Sourced
    kind: str | None = None
    note: str | None = None  # e.g. the group's jurisdiction when the entity is local


@dataclass(frozen=True)
class Document:
    type: str
    url: str


@dataclass(frozen=True)
class Fact:
    """A fact that cannot be crawled (plans, DPA terms, SecNumCloud…), with its source."""

    topic: str
    text: str
    provenance: Sourced


@dataclass(frozen=True)
class Stance:
    """An official position (ministry, academy, CNIL…); its level overrides the computed one."""

    who: str
    what: str
    source: str
    date: str
    level: str
    unverified: bool = False
    verified_on: str | None = None

    def as_override(self) -> dict[str, Any]:
        """What ``api.AuditOptions(stance=...)`` expects."""
        return {
            "who": self.who,
            "what": self.what,
            "source": self.source,
            "date": self.date,
            "level": self.level,
        }


@dataclass(frozen=True)
class Context:
    audience: tuple[str, ...]
    school_levels: tuple[str, ...]
    note: str | None = None

    @property
    def audit_audience(self) -> str:
        return most_demanding_audience(list(self.audience))

    @property
    def audit_school_level(self) -> str:
        return youngest_level(list(self.school_levels))

    @property
    def narrowed(self) -> bool:
        """True when the audit context had to pick one of several audiences or levels."""
        return len(self.audience) > 1 or len(self.school_levels) > 1


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    vendor: Vendor
    category: str
    entry_urls: tuple[str, ...]
    documents: tuple[Document, ...]
    context: Context
    source_file: Path
    description: str | None = None
    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    stance: Stance | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def audit_urls(self) -> list[str]:
        """Entry pages first, then known documents (the crawler types them by URL and title)."""
        urls = list(self.entry_urls)
        urls += [d.url for d in self.documents if d.url not in urls]
        return urls

    def audit_inputs(self) -> dict[str, Any]:
        """What an audit depends on: when it changes, a stored audit is out of date."""
        return {
            "urls": self.audit_urls,
            "audience": self.context.audit_audience,
            "school_level": self.context.audit_school_level,
        }


@dataclass(frozen=True)
class Catalog:
    root: Path
    tools: tuple[Tool, ...] = field(default_factory=tuple)

    @property
    def by_id(self) -> dict[str, Tool]:
        return {tool.id: tool for tool in self.tools}

    def __len__(self) -> int:
        return len(self.tools)
