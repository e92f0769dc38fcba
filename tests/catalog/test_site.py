"""The built website, read as files: pages, levels, academy decisions, exports, safety."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from rgpd_check.catalog.model import Catalog
from rgpd_check.catalog.site import SiteResult, build_site
from rgpd_check.cli import main
from rgpd_check.errors import InputError
from rgpd_check.rules import RuleSet
from tests.catalog.fakes import write_tool

RESOURCE_ATTRS = {
    "script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
    "audio": "src", "embed": "src", "object": "data", "link": "href", "track": "src",
}  # fmt: skip


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def html_pages(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.html") if "rapports" not in p.parts]


def test_every_tool_has_a_page_and_a_row(built: SiteResult, shipped: Catalog) -> None:
    index = soup(built.out / "index.html")
    rows = index.select("#tools-table tbody tr")
    assert len(rows) == len(shipped) == built.tools
    for tool in shipped.tools:
        assert (built.out / "outils" / f"{tool.id}.html").is_file()
        assert index.select_one(f'a[href="outils/{tool.id}.html"]') is not None
    assert built.audited == 4


def test_levels_in_text_and_not_audited(built: SiteResult) -> None:
    rows = {
        r.select_one("th a").get_text(strip=True): r
        for r in soup(built.out / "index.html").select("#tools-table tbody tr")
    }
    canva = rows["Canva (Canva pour l'éducation)"]
    assert canva["data-level"] == "non-audite"
    assert "Pas encore audité" in canva.get_text() and "pas encore audité" in canva.get_text()
    # An official stance sets the level even before any audit.
    assert "À proscrire" in rows["Microsoft Teams (Microsoft 365 Éducation)"].get_text()
    digipad = rows["Digipad (La Digitale)"]
    assert digipad["data-level"] == "a-verifier" and "2 mars 2026" in digipad.get_text()
    for row in rows.values():  # colour never alone: every badge has its text
        for badge in row.select(".level-badge"):
            assert badge.select_one(".level-text").get_text(strip=True)


def test_tool_page_shows_level_why_academy_and_history(built: SiteResult) -> None:
    page = soup(built.out / "outils" / "digipad.html")
    text = page.get_text(" ", strip=True)
    assert page.select_one("#level .level-main .level-text").get_text() == "À vérifier"
    academy = page.select_one("#academy").get_text(" ", strip=True)
    assert "Utilisable avec précautions" in academy and "DPD de l'académie" in academy
    assert "Pas de nom complet d'élève" in academy and "1er février 2027" in academy
    assert "Infomaniak" in text and "vérifié le 29 novembre 2026" in text
    history = page.select("#history tbody tr")
    assert len(history) == 2 and "(dernier)" in history[1].get_text()
    report = page.select_one(".report-links a")["href"]
    assert (built.out / "outils" / report).resolve().is_file()
    assert page.select_one('a[href="../outils/digistorm.html"]') is None  # no alternatives


def test_stance_beside_computed_level_and_failed_attempt(built: SiteResult) -> None:
    discord = soup(built.out / "outils" / "discord.html").get_text(" ", strip=True)
    assert "DSDEN des Landes" in discord and "Position officielle" in discord
    assert "Niveau calculé par l'audit automatique" in discord
    assert "Alternatives" in discord and "e-primo" in discord
    padlet = soup(built.out / "outils" / "padlet.html").get_text(" ", strip=True)
    assert "La dernière tentative d'audit" in padlet and "échec" in padlet
    zoom = soup(built.out / "outils" / "zoom.html").get_text(" ", strip=True)
    assert "Date de réexamen dépassée" in zoom
    kahoot = soup(built.out / "outils" / "kahoot.html").get_text(" ", strip=True)
    assert "Aucun audit n'a encore été fait." in kahoot  # the killed run is not shown
    # A local entity of a foreign group: the note on jurisdiction reaches the teacher.
    google = soup(built.out / "outils" / "google-workspace-education.html")
    country = google.select_one("dl").get_text(" ", strip=True)
    assert "FR" in country and "CLOUD Act" in country


def test_filter_pages_method_and_rule_pages(built: SiteResult) -> None:
    proscribed = soup(built.out / "niveaux" / "a-proscrire.html")
    names = {a.get_text() for a in proscribed.select("#list-table tbody th a")}
    assert {"Discord", "Google Workspace for Education"} <= names
    assert "Digipad (La Digitale)" not in names
    assert (built.out / "categories" / "quiz.html").is_file()
    assert (built.out / "usages" / "teachers.html").is_file()
    method = soup(built.out / "methode.html")
    rule_links = [a["href"] for a in method.select('a[href^="regles/"]')]
    assert rule_links and all((built.out / href).is_file() for href in rule_links)
    assert method.select_one('a[href^="https://gdprhub.eu/Article_"]') is not None


def test_exports(built: SiteResult, shipped: Catalog) -> None:
    data = json.loads((built.out / "tools.json").read_text(encoding="utf-8"))
    tools = {t["id"]: t for t in data["tools"]}
    assert len(tools) == len(shipped)
    assert tools["digipad"]["academy"]["accepted_level"] == "precautions"
    assert tools["discord"]["stance"]["level"] == "a-proscrire"
    assert tools["canva"]["level"] == "non-audite" and tools["canva"]["audited_at"] is None
    assert all(f["source"].startswith("http") for t in tools.values() for f in t["facts"])
    text = (built.out / "tools.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(shipped)
    assert {r["id"]: r["academy_level"] for r in rows}["digipad"] == "precautions"
    google = "google-workspace-education"
    assert "CLOUD Act" in tools[google]["vendor"]["note"]  # the caveat travels with the country
    assert "CLOUD Act" in {r["id"]: r["vendor_note"] for r in rows}[google]


def test_nothing_loads_from_elsewhere(built: SiteResult) -> None:
    for path in html_pages(built.out):
        page = soup(path)
        csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')
        assert csp is not None and "default-src 'none'" in csp["content"], path
        for tag, attr in RESOURCE_ATTRS.items():
            for element in page.find_all(tag):
                url = element.get(attr)
                if url is None:
                    continue
                assert not re.match(r"^([a-z]+:|//)", url), (path, url)
        assert not page.select("[style]"), path  # style-src 'self': no inline styles
        assert all(s.get("src") for s in page.find_all("script")), path  # no inline script
    css = (built.out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css


def test_static_accessibility_basics(built: SiteResult) -> None:
    for path in html_pages(built.out):
        page = soup(path)
        assert page.html.get("lang") == "fr"
        levels = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
        assert levels.count(1) == 1 and levels[0] == 1, path
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
        ids = [e["id"] for e in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), path
        for table in page.find_all("table"):
            assert table.find("caption") is not None, path
            assert all(th.get("scope") in ("col", "row") for th in table.find_all("th")), path
        for control in page.select("input, select"):
            assert page.select_one(f'label[for="{control["id"]}"]') is not None, path


def test_theme_override_without_forking(tmp_path: Path, shipped: Catalog, ruleset: RuleSet) -> None:
    theme = tmp_path / "theme"
    (theme / "messages").mkdir(parents=True)
    (theme / "assets").mkdir()
    (theme / "theme.yaml").write_text(
        'site_name: {fr: "Outils de l\'académie de Nulle-Part"}\norganisation: Rectorat\n'
        'logo: blason.svg\ncolours: {"--link": "#6a1b9a", "--bad": "red; } body { x"}\n',
        encoding="utf-8",
    )
    (theme / "messages" / "fr.yaml").write_text('home: {title: "Autorisé ou pas ?"}\n', "utf-8")
    (theme / "assets" / "blason.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (theme / "extra.css").write_text(".site-name { letter-spacing: 0.1em; }\n", "utf-8")
    result = build_site(shipped, tmp_path / "site", theme_dir=theme, ruleset=ruleset)
    index = soup(result.out / "index.html")
    assert index.h1.get_text() == "Autorisé ou pas ?"
    assert "Nulle-Part" in index.select_one(".site-name").get_text()
    assert index.select_one(".site-org").get_text() == "Rectorat"
    assert index.select_one("img.site-logo")["src"] == "assets/blason.svg"
    css = (result.out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "--link: #6a1b9a;" in css and "letter-spacing: 0.1em" in css
    assert "--bad" not in css  # a colour value cannot inject rules
    assert "Tout afficher" in index.get_text()  # untouched texts keep their default


def test_english_site(tmp_path: Path, shipped: Catalog, ruleset: RuleSet) -> None:
    result = build_site(shipped, tmp_path / "site", lang="en", ruleset=ruleset)
    index = soup(result.out / "index.html")
    assert index.html["lang"] == "en"
    assert index.h1.get_text() == "May I use this tool with my pupils?"
    assert "Not yet audited" in index.get_text()


def test_output_folder_safety_and_rebuild(tmp_path: Path, ruleset: RuleSet) -> None:
    cat = tmp_path / "cat"
    write_tool(cat, "alpha")
    from rgpd_check.catalog.loader import load_catalog

    catalog = load_catalog(cat)
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("à garder")
    with pytest.raises(InputError):
        build_site(catalog, precious, ruleset=ruleset)
    assert (precious / "notes.txt").read_text() == "à garder"
    site = tmp_path / "site"
    build_site(catalog, site, ruleset=ruleset)
    (site / "stale.html").write_text("old")
    build_site(catalog, site, ruleset=ruleset)
    assert not (site / "stale.html").exists() and (site / "outils" / "alpha.html").is_file()
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir())


def test_approved_list_problems(tmp_path: Path, shipped: Catalog, ruleset: RuleSet) -> None:
    approved = tmp_path / "approved.yaml"
    entry = "    approved_by: DPD\n    approved_on: 2026-01-01\n    review_by: 2027-01-01\n"
    approved.write_text("tools:\n  - id: inconnu\n    accepted_level: recommande\n" + entry)
    result = build_site(shipped, tmp_path / "site", approved=approved, ruleset=ruleset)
    assert any("inconnu" in w for w in result.warnings)
    approved.write_text("tools:\n  - id: zoom\n    accepted_level: super\n" + entry)
    with pytest.raises(InputError, match="approved.yaml:3:21: .*accepted_level"):
        build_site(shipped, tmp_path / "site2", approved=approved, ruleset=ruleset)


def test_cli_build_offline_without_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["catalog", "build", "--reports", str(tmp_path / "none"), "--out",
              str(tmp_path / "site")])  # fmt: skip
    assert exited.value.code == 0
    assert "0 audités" in capsys.readouterr().out
    index = soup(tmp_path / "site" / "index.html")
    assert "pas encore audité" in index.get_text()
