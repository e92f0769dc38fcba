"""The one interface every report format implements (formats return text; the CLI writes)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rgpd_check.errors import InputError


class RenderError(InputError):
    """A format or language the renderers do not know, or a theme that cannot be used."""


class Renderer(ABC):
    """Turns one report (the published JSON document) into the content of one format.

    Text formats implement :meth:`render`; a binary format (PDF) sets ``binary`` and
    implements :meth:`render_bytes`. Either way the renderer returns content and the caller
    writes it.
    """

    name: ClassVar[str]
    extension: ClassVar[str]
    binary: ClassVar[bool] = False

    @property
    def filename(self) -> str:
        """Default file name the CLI gives this format (``report.html``)."""
        return f"report.{self.extension}"

    @abstractmethod
    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """The whole document; ``lang`` selects the catalog (finding texts keep the report's)."""

    def render_bytes(self, report: dict[str, Any], *, lang: str) -> bytes:
        """The document as bytes (UTF-8 for text formats)."""
        return self.render(report, lang=lang).encode("utf-8")

    def render_content(self, report: dict[str, Any], *, lang: str) -> str | bytes:
        """Text for text formats, bytes for binary ones: what the caller writes as is."""
        if self.binary:
            return self.render_bytes(report, lang=lang)
        return self.render(report, lang=lang)
