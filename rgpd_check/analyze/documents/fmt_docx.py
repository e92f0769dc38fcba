"""DOCX text with python-docx: paragraphs and tables in document order."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from rgpd_check.analyze.documents.errors import UnreadableDocument


def _row_text(cells: list[str]) -> str:
    unique: list[str] = []
    for cell in cells:
        if not unique or unique[-1] != cell:
            unique.append(cell)
    return " | ".join(c for c in unique if c)


def docx_text(data: bytes) -> tuple[str, str | None]:
    """(text, title) of a Word document."""
    try:
        document = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocument(
            f"document Word corrompu ou illisible / corrupt or unreadable Word file "
            f"({type(exc).__name__})"
        ) from exc
    lines: list[str] = []
    first_heading: str | None = None
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                lines.append("")
                continue
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            if style.startswith(("Heading", "Titre", "Title")):
                first_heading = first_heading or text
                lines.extend(["", text, ""])
            elif "List" in style or "Liste" in style:
                lines.append(f"- {text}")
            else:
                lines.extend([text, ""])
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            lines.append("")
            lines.extend(
                _row_text([cell.text.strip().replace("\n", "; ") for cell in row.cells])
                for row in table.rows
            )
            lines.append("")
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    title = (document.core_properties.title or "").strip() or first_heading
    if not text.strip():
        raise UnreadableDocument("document Word vide / empty Word document")
    return text.strip() + "\n", title
