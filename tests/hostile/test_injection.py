"""Quoted third-party text never executes in reports; names and ids cannot escape folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from rgpd_check.evidence.bundle import BundleWriter
from rgpd_check.report import slugify
from tests.helpers import audit_site
from tests.testweb.model import Route, Site
from tests.testweb.web import TestWeb

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
HOSTILE_HOME = f"""<!doctype html><html lang="fr"><head><title>Outil {XSS}</title></head><body>
<main><h1>Outil</h1></main>
<footer><a href="/confidentialite">Politique de confidentialité {XSS}</a>
<a href="javascript:alert(1)">Conditions générales d'utilisation</a>
<a href="/cgu" title="CGU&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;">CGU</a>
<a href="/boucle">Mentions légales</a></footer></body></html>"""
HOSTILE_POLICY = """<html><head><title>Politique &lt;script&gt;alert(3)&lt;/script&gt;</title>
</head><body><main><h1>Politique de confidentialité</h1>
<p>Les données des élèves de moins de 13 ans &lt;img src=x onerror=alert(4)&gt; sont hébergées
aux États-Unis. Contact : dpo@tool.test &lt;/textarea&gt;&lt;script&gt;alert(5)&lt;/script&gt;</p>
<p>[cliquez](javascript:alert(6)) {{ 7*7 }} {% raw %} ${{7*7}} | --- | </p></main></body></html>"""


def _scripts_and_handlers(html: str) -> list[str]:
    tree = LexborHTMLParser(html)
    problems = [n.html or "" for n in tree.css("script") if "alert" in (n.text() or "")]
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            if name.lower().startswith("on") and "alert" in (value or ""):
                problems.append(f"{node.tag} {name}")
            if name.lower() in ("href", "src", "action") and (value or "").strip().lower(
            ).startswith("javascript:"):
                problems.append(f"{node.tag} {name}={value}")
    return problems


def test_hostile_page_text_is_escaped_in_every_report(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("tool.test", pages={
        "/": Route(body=HOSTILE_HOME, set_cookies=[f'x{XSS}=v{XSS}; Path=/']),
        "/confidentialite": HOSTILE_POLICY, "/cgu": "<p>CGU</p>",
        "/boucle": Route(redirect='/boucle2?q="><script>alert(8)</script>'),
        "/boucle2": Route(redirect="/boucle")}))
    result = audit_site(testweb, [testweb.url("tool.test", https=True)], tmp_path,
                        name=f"Outil {XSS}", crawl={"well_known": False, "probe_http": False})
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert _scripts_and_handlers(html) == []
    assert "<script>alert" not in html and "<img src=x" not in html
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    # Markdown escapes "<" with a backslash (CommonMark shows it literally): no raw tag.
    assert not re.search(r"(?<!\\)<\s*/?\s*(script|img|iframe)", markdown, re.I)
    assert not re.search(r"\]\(\s*javascript:", markdown, re.I)
    json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))  # still valid JSON
    assert result.report["tool"]["id"] == slugify(f"Outil {XSS}")


@settings(max_examples=200, deadline=None)
@given(name=st.one_of(st.text(max_size=80), st.sampled_from([
    "../../etc", "..", ".", "/etc/passwd", "..\\..\\windows", "a/../../b", "\x00", "~root",
    "CON", "outil\n../x", "%2e%2e%2f", "．．／", "..%c0%af", " ", "é/è"])))
def test_slugs_are_plain_folder_names(name: str) -> None:
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", slug), slug
    assert ".." not in slug and "/" not in slug


@pytest.mark.parametrize("name", ["../x", "../../etc/passwd", "/etc/passwd", "a/../../b",
                                  "..", ""])
def test_evidence_file_names_cannot_leave_the_bundle(tmp_path: Path, name: str) -> None:
    writer = BundleWriter(tmp_path / "audit", {"tool": {}}, [])
    with pytest.raises(ValueError):
        writer.add_file(name, b"x")
    if "/" in name:
        with pytest.raises(ValueError):
            writer.log(name + ".jsonl")
    writer.close(status="complete", not_collected=[])
    assert not (tmp_path / "x").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("tool_id", ["../../etc", "..", "a/b", "/abs", "x\x00y", "Outil"])
def test_catalog_ids_that_try_path_traversal_are_refused(tmp_path: Path, tool_id: str) -> None:
    from rgpd_check.catalog.loader import CatalogError, load_catalog

    root = tmp_path / "catalog"
    root.mkdir()
    (root / "outil.yaml").write_text(f"id: {json.dumps(tool_id)}\nname: Outil\n",
                                     encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(root)


@pytest.mark.parametrize("tool_id", ["../../etc", "..", "a/b", "/abs", "UPPER"])
def test_approved_list_ids_that_try_path_traversal_are_refused(tmp_path: Path,
                                                               tool_id: str) -> None:
    from rgpd_check.gate.loader import ApprovedListError, load_approved

    path = tmp_path / "approved.yaml"
    path.write_text(f"""version: 1
academy: Académie fictive
tools:
  - id: {json.dumps(tool_id)}
    name: Outil
    url: https://tool.example/
    accepted_level: precautions
    approved_by: DPO
    approved_on: 2026-01-15
    review_by: 2027-01-15
""", encoding="utf-8")
    with pytest.raises(ApprovedListError):
        load_approved(path)
