"""PDF text with pypdf; a PDF without a text layer is unreadable, never "empty".

Vendors send DPAs as PDF. A scanned PDF has pages but no text: reporting "all clauses
missing" for it would be a false finding, so it raises instead.
"""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from rgpd_check.analyze.documents.errors import UnreadableDocument

_MIN_LETTERS_PER_PAGE = 25


def pdf_text(data: bytes) -> tuple[str, str | None]:
    """(text, title) of a PDF, pages separated by blank lines."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, PyPdfError) as exc:
                raise UnreadableDocument(
                    "PDF chiffré, impossible à ouvrir / encrypted PDF, cannot be opened"
                ) from exc
            if not opened:
                raise UnreadableDocument("PDF protégé par un mot de passe / password-protected PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = None
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title).strip() or None
    except UnreadableDocument:
        raise
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        OSError,
        AttributeError,
        IndexError,
        RecursionError,
    ) as exc:
        raise UnreadableDocument(
            f"PDF corrompu ou illisible / corrupt or unreadable PDF ({type(exc).__name__})"
        ) from exc
    if not pages:
        raise UnreadableDocument("PDF sans page / PDF without pages")
    letters = sum(1 for page in pages for c in page if c.isalpha())
    if letters < _MIN_LETTERS_PER_PAGE * len(pages):
        raise UnreadableDocument(
            "PDF sans couche texte (document scanné ?) : impossible à lire, aucune clause ne "
            "peut être vérifiée / PDF without a text layer (scanned?): cannot read, no clause "
            "can be checked"
        )
    text = "\n\n".join(re.sub(r"[ \t]+\n", "\n", page).strip() for page in pages)
    return text + "\n", title
