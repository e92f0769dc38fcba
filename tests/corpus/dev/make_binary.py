"""Rebuild the PDF and DOCX documents of the development corpus from their text sources.

    python tests/corpus/dev/make_binary.py

Sources live in ``sources/`` with a tiny markup: ``# `` and ``## `` headings, ``- `` list
items, ``| a | b |`` table rows (the first row of a table is its header), blank lines between
paragraphs. PDFs are written by hand (Helvetica, WinAnsi encoding), so no PDF library is
needed; DOCX files use python-docx. ``s25-fr-scanned.pdf`` is an image-only PDF (a scan
without a text layer) that the reader must refuse to read.
"""

from __future__ import annotations

import re
import textwrap
import zlib
from pathlib import Path

from docx import Document

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DOCS = HERE / "docs"
TARGETS = {
    "d04-en-classroomcloud-dpa": "pdf",
    "d18-fr-numeriklasse-dpa": "pdf",
    "d05-fr-pedago-dpa-partiel": "docx",
    "d19-en-tutorly-terms": "docx",
    "d24-en-tutorat-dpa-partial": "docx",
}
Block = tuple[str, object]  # ("h1"|"h2"|"p"|"li", str) or ("table", list[list[str]])


def parse(source: str) -> list[Block]:
    """Blocks of the tiny markup."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("p", " ".join(paragraph)))
            paragraph.clear()
        if table:
            blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("|"):
            if paragraph:
                blocks.append(("p", " ".join(paragraph)))
                paragraph.clear()
            table.append([cell.strip() for cell in line.strip("|").split("|")])
        elif line.startswith(("# ", "## ", "- ")):
            flush()
            kind = {"# ": "h1", "##": "h2", "- ": "li"}[line[:2]]
            blocks.append((kind, line.lstrip("#- ").strip()))
        else:
            paragraph.append(line)
    flush()
    return blocks


# --- PDF by hand --------------------------------------------------------------------------

_PAGE_W, _PAGE_H, _MARGIN = 595, 842, 56


def _pdf_string(text: str) -> bytes:
    data = text.encode("cp1252", errors="replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _lines(blocks: list[Block]) -> list[tuple[str, str]]:
    """(font, text) lines, wrapped; an empty text is a blank line."""
    lines: list[tuple[str, str]] = []
    for kind, content in blocks:
        if kind == "table":
            assert isinstance(content, list)
            lines.extend(("F1", " | ".join(row)) for row in content)
        elif kind in ("h1", "h2"):
            lines.append(("F2", str(content)))
        elif kind == "li":
            wrapped = textwrap.wrap(str(content), 84)
            lines.append(("F1", "- " + wrapped[0]))
            lines.extend(("F1", "  " + rest) for rest in wrapped[1:])
        else:
            lines.extend(("F1", w) for w in textwrap.wrap(str(content), 88))
        lines.append(("F1", ""))
    return lines


def _objects_to_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"\
        .encode()
    return bytes(out)


def write_pdf(blocks: list[Block], path: Path, title: str) -> None:
    """A text PDF, one Helvetica line per wrapped line."""
    lines = _lines(blocks)
    per_page = (_PAGE_H - 2 * _MARGIN) // 14
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    objects += [font % b"Helvetica", font % b"Helvetica-Bold"]
    kids = []
    for page in pages:
        stream = bytearray(f"BT 14 TL {_MARGIN} {_PAGE_H - _MARGIN} Td\n".encode())
        for name, text in page:
            size = 12 if name == "F2" else 10
            stream += f"/{name} {size} Tf ".encode() + _pdf_string(text) + b" Tj T*\n"
        stream += b"ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + bytes(stream)
                       + b"\nendstream")
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_W} {_PAGE_H}] /Resources "
            f"<< /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content} 0 R >>".encode())
        kids.append(f"{len(objects)} 0 R")
    info = len(objects) + 1
    objects.append(b"<< /Title " + _pdf_string(title) + b" /Producer (rgpd-check dev corpus) >>")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    data = _objects_to_pdf(objects)
    data = data.replace(b"/Root 1 0 R >>", f"/Root 1 0 R /Info {info} 0 R >>".encode())
    path.write_bytes(data)


def write_scanned_pdf(path: Path) -> None:
    """One page holding only a grey image: what a scanner produces without OCR."""
    width, height = 64, 90
    pixels = bytes(200 if (x // 8 + y // 6) % 2 else 90 for y in range(height)
                   for x in range(width))
    image = zlib.compress(pixels)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_W} {_PAGE_H}] /Resources "
        f"<< /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace "
        f"/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length {len(image)} >>\n"
        f"stream\n".encode() + image + b"\nendstream",
    ]
    drawing = b"q 480 0 0 700 56 70 cm /Im1 Do Q"
    objects.append(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
    path.write_bytes(_objects_to_pdf(objects))


# --- DOCX -----------------------------------------------------------------------------------


def write_docx(blocks: list[Block], path: Path, title: str) -> None:
    """A Word document with real headings, list paragraphs and tables."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "rgpd-check dev corpus"
    for kind, content in blocks:
        if kind == "h1":
            document.add_heading(str(content), level=1)
        elif kind == "h2":
            document.add_heading(str(content), level=2)
        elif kind == "li":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "table":
            assert isinstance(content, list)
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(str(content))
    document.save(str(path))


def main() -> None:
    """Write every binary document of the corpus."""
    for stem, kind in TARGETS.items():
        source = (SOURCES / f"{stem}.txt").read_text(encoding="utf-8")
        blocks = parse(source)
        title = re.sub(r"^#\s*", "", source.splitlines()[0]).strip()
        target = DOCS / f"{stem}.{kind}"
        if kind == "pdf":
            write_pdf(blocks, target, title)
        else:
            write_docx(blocks, target, title)
        print(f"wrote {target.relative_to(HERE)}")
    write_scanned_pdf(DOCS / "s25-fr-scanned.pdf")
    print("wrote docs/s25-fr-scanned.pdf")


if __name__ == "__main__":
    main()
