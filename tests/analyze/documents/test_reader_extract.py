"""Extraction of each format, language, title, and honest refusals."""

from __future__ import annotations

import builtins
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from rgpd_check.analyze.documents.extract import (
    UnreadableDocument,
    detect_format,
    extract_text,
)

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "docs"


def test_markdown_is_rendered_as_plain_text() -> None:
    source = ("# Politique\n\n**Éditeur** : [Exemple SAS](https://exemple.example) \\- voir "
              "[ici](https://exemple.example/liste)\n\n| Nom | Pays |\n| --- | --- |\n"
              "| OVH | France |\n\nÉcrire à [dpo@exemple.example](mailto:dpo@exemple.example).\n")
    extracted = extract_text(source.encode(), filename="politique.md")
    assert extracted.format == "markdown"
    assert extracted.title == "Politique"
    assert "Éditeur : Exemple SAS - voir ici (https://exemple.example/liste)" in extracted.text
    assert "OVH | France" in extracted.text
    assert "---" not in extracted.text and "**" not in extracted.text
    assert "dpo@exemple.example" in extracted.text


def test_html_boilerplate_is_removed() -> None:
    extracted = extract_text((DOCS / "d03-fr-mentions-legales.html").read_bytes(),
                             content_type="text/html; charset=utf-8")
    assert extracted.format == "html"
    assert extracted.lang == "fr"
    assert extracted.title == "Mentions légales – Atelier Numérique"
    assert "Scaleway SAS" in extracted.text
    assert "cookies publicitaires" not in extracted.text
    assert "Nos offres" not in extracted.text


def test_html_fallback_without_the_shared_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_html_module(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rgpd_check.analyze.html":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_html_module)
    extracted = extract_text((DOCS / "d20-en-learnify-privacy.html").read_bytes(),
                             filename="privacy.html")
    assert "Herengracht 100" in extracted.text
    assert "personalised ads" not in extracted.text
    assert "Home" not in extracted.text


def test_plain_text_and_language() -> None:
    extracted = extract_text((DOCS / "d22-en-paperclip-negations.txt").read_bytes())
    assert extracted.format == "text"
    assert extracted.lang == "en"
    assert extracted.title == "Paperclip Labs - Privacy in plain words"


@pytest.mark.parametrize(("name", "fmt", "words"), [
    ("d04-en-classroomcloud-dpa.pdf", "pdf", "documented instructions"),
    ("d18-fr-numeriklasse-dpa.pdf", "pdf", "instruction documentée"),
    ("d05-fr-pedago-dpa-partiel.docx", "docx", "autorisation écrite préalable"),
    ("d19-en-tutorly-terms.docx", "docx", "Free | 0 EUR | Contextual ads only"),
])
def test_binary_formats(name: str, fmt: str, words: str) -> None:
    extracted = extract_text((DOCS / name).read_bytes(), filename=name)
    assert extracted.format == fmt
    assert words in " ".join(extracted.text.split())
    assert extracted.title


def test_scanned_pdf_cannot_be_read() -> None:
    with pytest.raises(UnreadableDocument, match="couche texte"):
        extract_text((DOCS / "s25-fr-scanned.pdf").read_bytes(), filename="scan.pdf")


def test_encrypted_pdf_cannot_be_read() -> None:
    writer = PdfWriter()
    for page in PdfReader(DOCS / "d18-fr-numeriklasse-dpa.pdf").pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableDocument, match="mot de passe|chiffré"):
        extract_text(buffer.getvalue(), filename="dpa.pdf")


@pytest.mark.parametrize(("data", "kwargs", "message"), [
    (b"%PDF-1.4\n garbage", {}, "corrompu"),
    (b"PK\x03\x04 not a zip", {}, "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word", {}, "97-2003"),
    (b"   \n  ", {}, "vide"),
    (b"<html>plain</html>", {"content_type": "application/pdf"}, "annoncé comme PDF"),
])
def test_unreadable_files(data: bytes, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UnreadableDocument, match=message) as caught:
        extract_text(data, **kwargs)
    assert caught.value.reason


def test_format_detection_order() -> None:
    assert detect_format(b"%PDF-1.7", "text/html") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html></html>") == "html"
    assert detect_format(b"# T\n\n- a\n- b\n\n[x](https://y)") == "markdown"
    assert detect_format(b"just words", "text/plain") == "text"


HTML_STRUCTURE = (
    "<html><body><main><h1>Privacy</h1><p>Our sub-processors are:</p><ul><li>Hetzner Online "
    "GmbH (Germany) – hosting</li><li><b>Brevo SAS</b> (France) – e-mail</li></ul><p>Minimum "
    "age by country:</p><table><tr><th>Country</th><th>Age</th></tr><tr><td>France</td>"
    "<td>15</td></tr><tr><td>Germany</td><td>16</td></tr></table><p>This paragraph is long "
    "enough to be taken as the main content of the page by the extractor, with words to spare "
    "and a few more for good measure.</p></main></body></html>"
)


@pytest.mark.parametrize("shared", [True, False])
def test_html_tables_and_lists_keep_their_structure(shared: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if not shared:
        real_import = builtins.__import__

        def no_html_module(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "rgpd_check.analyze.html":
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_html_module)
    text = extract_text(HTML_STRUCTURE.encode(), filename="p.html").text
    assert "- Hetzner Online GmbH (Germany) – hosting" in text
    assert "- Brevo SAS (France) – e-mail" in text
    assert "France | 15" in text and "Country | Age" in text
