"""The one interface every report format implements (formats return text; the CLI writes)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rgpd_check.errors import InputError


class RenderError(InputError):
    """A format or language the renderers do not know, or a theme that cannot be used."""


class Renderer(ABC):
    """Turns one report (the published JSON document) into the text of one format."""

    name: ClassVar[str]
    extension: ClassVar[str]

    @property
    def filename(self) -> str:
        """Default file name the CLI gives this format (``report.html``)."""
        return f"report.{self.extension}"

    @abstractmethod
    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """The whole document; ``lang`` selects the catalog (finding texts keep the report's)."""
