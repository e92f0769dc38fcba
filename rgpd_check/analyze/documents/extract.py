"""Bytes to text: HTML, Markdown, plain text, PDF or DOCX, plus language and title.

Format comes from the bytes first (PDF and ZIP signatures), then the declared content type,
then the file name, then a look at the text. Anything that cannot honestly be read raises
``UnreadableDocument`` instead of returning empty text.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from rgpd_check.analyze.documents.errors import UnreadableDocument
from rgpd_check.analyze.documents.fmt_markdown import markdown_title, markdown_to_text
from rgpd_check.analyze.documents.language import detect_language

__all__ = ["FORMATS", "ExtractedText", "UnreadableDocument", "detect_format", "extract_text"]

FORMATS = ("html", "markdown", "text", "pdf", "docx")
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".docx": "docx",
}
_HTML_SNIFF = re.compile(r"(?is)^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)")
_MARKDOWN_SNIFF = re.compile(
    r"(?m)^(#{1,6}\s|\s*[-*+]\s+\S|\|.+\|\s*$|={3,}\s*$)|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*"
)


@dataclass(frozen=True)
class ExtractedText:
    """Readable text of a document and what was learnt while extracting it."""

    text: str
    format: str
    lang: str | None
    title: str | None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_format(data: bytes, content_type: str | None = None, filename: str | None = None) -> str:
    """One of FORMATS, or raise UnreadableDocument for formats the reader cannot handle."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument("archive ZIP corrompue / corrupt ZIP archive") from exc
        if "word/document.xml" in names:
            return "docx"
        raise UnreadableDocument(
            "archive ZIP qui n'est pas un document Word / ZIP archive that is not a Word document"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument(
            "document Word 97-2003 (.doc) ou Word chiffré : non pris en charge, demandez un "
            "PDF ou un .docx / Word 97-2003 (.doc) or encrypted Word file: not supported, ask "
            "for a PDF or .docx"
        )
    declared = (content_type or "").split(";")[0].strip().lower()
    extension = ""
    if filename:
        match = re.search(r"(\.[A-Za-z0-9]+)$", filename.split("?")[0])
        extension = match.group(1).lower() if match else ""
    if declared == "application/pdf" or extension == ".pdf":
        raise UnreadableDocument(
            "fichier annoncé comme PDF mais qui n'en est pas un / file "
            "declared as PDF but is not one"
        )
    if declared == _DOCX_TYPE or extension == ".docx":
        raise UnreadableDocument(
            "fichier annoncé comme .docx mais qui n'en est pas un / file "
            "declared as .docx but is not one"
        )
    if declared in ("text/html", "application/xhtml+xml"):
        return "html"
    if declared in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    sample = _decode(data[:20000])
    if _HTML_SNIFF.search(sample):
        return "html"
    if declared != "text/plain" and len(_MARKDOWN_SNIFF.findall(sample)) >= 3:
        return "markdown"
    return "text"


def _html(source: str) -> tuple[str, str | None, str | None]:
    from rgpd_check.analyze.documents.fmt_html import html_title_and_lang

    try:
        from rgpd_check.analyze.html import main_text
    except ImportError:  # the crawler's extractor is optional for the reader
        from rgpd_check.analyze.documents.fmt_html import fallback_main_text as main_text
    from rgpd_check.analyze.documents.fmt_html import prepare_html

    title, lang = html_title_and_lang(source)
    return main_text(prepare_html(source)), title, lang


def extract_text(
    data: bytes, *, content_type: str | None = None, filename: str | None = None
) -> ExtractedText:
    """Readable text of a document, with its format, language and title."""
    if not data or not data.strip():
        raise UnreadableDocument("document vide / empty document")
    fmt = detect_format(data, content_type, filename)
    declared_lang: str | None = None
    if fmt == "pdf":
        from rgpd_check.analyze.documents.fmt_pdf import pdf_text

        text, title = pdf_text(data)
    elif fmt == "docx":
        from rgpd_check.analyze.documents.fmt_docx import docx_text

        text, title = docx_text(data)
    elif fmt == "html":
        text, title, declared_lang = _html(_decode(data))
    else:
        source = _decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if fmt == "markdown":
            text, title = markdown_to_text(source), markdown_title(source)
        else:
            text = source
            first = next((line.strip() for line in source.splitlines() if line.strip()), "")
            title = first[:120] or None
    if not text.strip():
        raise UnreadableDocument("aucun texte lisible / no readable text")
    lang = detect_language(text) or declared_lang
    return ExtractedText(text=text, format=fmt, lang=lang, title=title)
