"""A simulated web for benchmarks: N fictional tool sites on loopback, built on ``tests/testweb``.

Each tool has a home page, ten documents a DPO needs (privacy policies of 50–300 KB, terms,
legal notice, DPA, cookies…), a few ordinary pages, robots.txt and a sitemap; every request
waits ``latency`` seconds on the server, as a distant site would. Names resolve through the
test DNS server; HTTPS uses the test CA.

Document text is read at start-up from the real corpus *by path* (never copied into the
project) when ``/work/shared/corpus/real`` (or ``$RGPD_CHECK_CORPUS``) exists, otherwise made
of synthetic French sentences; markup pads each page to a realistic size, as real sites do
(menus, inline data, footers).

The server runs in its own process (``RemoteSimWeb``) so that its threads neither steal the
measured process's CPU nor inflate its memory::

    with RemoteSimWeb(tools=10, latency=0.05) as web:
        api.audit(web.urls(0), out, api.AuditOptions(net=web.net_options()))
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import ipaddress
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rgpd_check.collect.net import NetOptions  # noqa: E402
from tests.testweb.model import Route, Site  # noqa: E402
from tests.testweb.web import TestWeb  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("RGPD_CHECK_CORPUS", "/work/shared/corpus/real"))
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
KB = 1024

# path → (document type or "" for an ordinary page, link text, corpus kind, size range in KB)
DOCUMENTS: tuple[tuple[str, str, str, str, tuple[int, int]], ...] = (
    ("/confidentialite", "privacy_policy", "Politique de confidentialité", "privacy", (50, 300)),
    ("/en/privacy", "privacy_policy", "Privacy policy", "privacy", (50, 300)),
    ("/cgu", "terms", "Conditions générales d'utilisation", "terms", (30, 120)),
    ("/cgv", "terms", "Conditions générales de vente", "terms", (20, 80)),
    ("/mentions-legales", "legal_notice", "Mentions légales", "short", (10, 30)),
    ("/cookies", "cookie_policy", "Gestion des cookies", "privacy", (20, 60)),
    ("/dpa", "dpa", "Accord de traitement des données (DPA)", "dpa", (40, 150)),
    ("/sous-traitants", "subprocessors", "Liste des sous-traitants ultérieurs", "short", (10, 30)),
    ("/confidentialite-eleves", "children_privacy", "Confidentialité des élèves", "privacy",
     (30, 100)),
    ("/securite", "security", "Sécurité", "short", (10, 40)),
)
PAGES: tuple[tuple[str, str], ...] = (
    ("/fonctionnalites", "Fonctionnalités"),
    ("/tarifs", "Tarifs"),
    ("/aide", "Aide"),
)
MENU_ITEMS = 12
THIRD_PARTIES = ("cdn.sim-static.test", "stats.sim-analytics.test", "fonts.sim-fonts.test")

_SYNTHETIC = (
    "Nous traitons les données personnelles des élèves et des enseignants pour fournir le "
    "service pédagogique.",
    "Les données sont hébergées dans l'Union européenne et conservées pendant un an après "
    "la dernière connexion.",
    "Le responsable du traitement est l'établissement scolaire ; l'éditeur agit en qualité "
    "de sous-traitant au sens de l'article 28 du RGPD.",
    "Vous pouvez exercer vos droits d'accès, de rectification et d'effacement en écrivant "
    "au délégué à la protection des données.",
    "Aucune donnée n'est vendue ni utilisée à des fins publicitaires.",
    "Des cookies techniques sont déposés pour maintenir la session ; aucun traceur "
    "publicitaire n'est utilisé sans consentement.",
    "Les sous-traitants ultérieurs sont listés en annexe et liés par des clauses de "
    "protection des données.",
    "En cas de violation de données, l'éditeur notifie l'établissement dans les meilleurs "
    "délais.",
)


@dataclass(frozen=True)
class SimConfig:
    """What the simulated web looks like; the same seed always gives the same web."""

    tools: int = 10
    latency: float = 0.05
    seed: int = 1
    corpus: Path | None = DEFAULT_CORPUS
    https: bool = True


@dataclass
class _Texts:
    """Document texts by kind, read once and shared by every tool (no copy per site)."""

    by_kind: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def pick(self, kind: str, rng: random.Random) -> tuple[str, str]:
        texts = self.by_kind.get(kind) or self.by_kind["privacy"]
        return texts[rng.randrange(len(texts))]


def _corpus_kind(name: str) -> str:
    if "data-processor" in name:
        return "dpa"
    if "terms" in name or "guidelines" in name:
        return "terms"
    return "privacy"


def markdown_to_html(text: str) -> str:
    """Just enough Markdown (headings, lists, paragraphs, bold) to make a readable page."""
    out: list[str] = []
    lines = text.splitlines()
    paragraph: list[str] = []
    in_list = False

    def inline(value: str) -> str:
        value = html.escape(value)
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", value)

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if in_list:
            out.append("</ul>")
            in_list = False

    for index, line in enumerate(lines):
        stripped = line.strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if following and set(following) <= {"="} and len(following) >= 3:
            flush()
            out.append(f"<h1>{inline(stripped)}</h1>")
        elif following and set(following) <= {"-"} and len(following) >= 3 and stripped:
            flush()
            out.append(f"<h2>{inline(stripped)}</h2>")
        elif stripped and (set(stripped) <= {"=", "-"} or stripped == "* * *"):
            continue
        elif stripped.startswith("#"):
            flush()
            level = min(6, len(stripped) - len(stripped.lstrip("#")))
            out.append(f"<h{level}>{inline(stripped.lstrip('#').strip())}</h{level}>")
        elif stripped.startswith(("* ", "- ")):
            if paragraph:
                out.append(f"<p>{inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{inline(stripped[2:])}</li>")
        elif not stripped:
            flush()
        else:
            paragraph.append(stripped)
    flush()
    return "\n".join(out)


def load_texts(corpus: Path | None, rng: random.Random) -> _Texts:
    """Corpus documents (read in place) grouped by kind, or synthetic ones."""
    texts = _Texts()
    if corpus is not None and corpus.is_dir():
        for path in sorted(corpus.glob("*.md")):
            if path.name == "SOURCES.md":
                continue
            body = markdown_to_html(path.read_text(encoding="utf-8"))
            lang = "fr" if any(w in body[:4000] for w in (" les ", " des ", " vos ")) else "en"
            texts.by_kind.setdefault(_corpus_kind(path.name), []).append((body, lang))
    if "privacy" not in texts.by_kind:
        for kind in ("privacy", "terms", "dpa"):
            paragraphs = [
                "<p>" + " ".join(rng.choice(_SYNTHETIC) for _ in range(6)) + "</p>"
                for _ in range(120)
            ]
            texts.by_kind[kind] = [("<h1>Document</h1>\n" + "\n".join(paragraphs), "fr")]
    short = [
        "<h1>Informations</h1>\n" + "\n".join(f"<p>{s}</p>" for s in _SYNTHETIC),
    ]
    texts.by_kind["short"] = [(s, "fr") for s in short]
    return texts


def _chrome(host: str, doc_links: str, page_links: str) -> tuple[str, str]:
    """Header and footer shared by every page of a tool (what parsers must strip)."""
    menu = "".join(
        f'<li><a href="/aide/sujet-{n}" class="menu-item">Rubrique {n}</a></li>'
        for n in range(MENU_ITEMS)
    )
    header = (
        f'<header class="site-header"><a href="/" class="logo">{host}</a>'
        f'<nav role="navigation"><ul>{page_links}{menu}</ul></nav></header>'
    )
    footer = (
        f'<footer class="site-footer"><ul class="legal">{doc_links}</ul>'
        '<p>© Éditeur fictif pour les mesures de performance.</p></footer>'
        '<div id="cookie-banner" class="cookie-consent-banner"><p>Ce site utilise des '
        "cookies.</p><button>Accepter</button><button>Refuser</button></div>"
    )
    return header, footer


def _page(
    host: str, title: str, lang: str, main: str, header: str, footer: str, size: int, seed: int
) -> str:
    """A full page padded to ``size`` bytes with inline data, as SPAs and CMSs produce."""
    resources = "".join(
        f'<script src="https://{h}/lib.js?v={seed}"></script>' for h in THIRD_PARTIES[:2]
    ) + f'<link rel="stylesheet" href="https://{THIRD_PARTIES[2]}/css?family=Sim">'
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} – '
        f"{host}</title>{resources}<style>body{{font-family:sans-serif}}</style></head>"
        f"<body>{header}<main><article>{main}</article></main>{footer}"
    )
    missing = size - len(page.encode("utf-8")) - 40
    if missing > 0:
        # Half markup (a grid of cards, as CMS pages have), half inline application state.
        card = (f'<div class="card"><h3 class="card-title">Ressource</h3><p class="card-text">'
                f'Fiche pédagogique {seed}</p><a class="btn" href="/aide">Voir</a></div>')
        cards = card * (missing // 2 // len(card.encode("utf-8")))
        page += f'<section class="related" aria-hidden="true">{cards}</section>'
        missing -= len(cards.encode("utf-8"))
        blob = json.dumps([{"id": n, "label": f"item-{seed}-{n}", "x": n * 7} for n in
                           range(max(0, missing) // 40 + 1)])[: max(0, missing)]
        page += f'<script id="__STATE__" type="application/json">{blob}</script>'
    return page + "</body></html>"


def tool_host(index: int) -> str:
    return f"tool-{index:03d}.test"


def build_sites(config: SimConfig) -> list[Site]:
    """The sites of the simulated web (deterministic for a given seed)."""
    rng = random.Random(config.seed)
    texts = load_texts(config.corpus, rng)
    sites: list[Site] = []
    scheme = "https" if config.https else "http"
    port = "${HTTPS_PORT}" if config.https else "${HTTP_PORT}"
    for index in range(config.tools):
        host = tool_host(index)
        doc_links = "".join(f'<li><a href="{p}">{t}</a></li>' for p, _, t, _, _ in DOCUMENTS)
        page_links = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in PAGES)
        header, footer = _chrome(host, doc_links, page_links)
        pages: dict[str, Route | str] = {}
        home_main = (
            "<h1>Un outil pour la classe</h1>"
            + "".join(f"<p>{s}</p>" for s in _SYNTHETIC)
            + "".join(f'<a href="{p}">{t}</a> ' for p, t in PAGES)
        )
        pages["/"] = Route(
            body=_page(host, "Accueil", "fr", home_main, header, footer, 40 * KB, index),
            set_cookies=[f"sim_session={index:08x}; Path=/; Secure; HttpOnly; SameSite=Lax"],
        )
        for path, _, title, kind, (low, high) in DOCUMENTS:
            body, lang = texts.pick(kind, rng)
            size = rng.randint(low, high) * KB
            pages[path] = _page(host, title, lang, body, header, footer, size, index)
        for path, title in [*PAGES, *((f"/aide/sujet-{n}", f"Rubrique {n}") for n in
                                      range(MENU_ITEMS))]:
            main = f"<h1>{title}</h1>" + "".join(f"<p>{s}</p>" for s in _SYNTHETIC[:4])
            pages[path] = _page(host, title, "fr", main, header, footer, 25 * KB, index)
        locs = "".join(
            f"<url><loc>{scheme}://{host}:{port}{p}</loc></url>" for p, *_ in DOCUMENTS
        )
        pages["/sitemap.xml"] = Route(
            body=f'<?xml version="1.0"?><urlset>{locs}</urlset>',
            content_type="application/xml",
        )
        sites.append(
            Site(
                host,
                pages=pages,
                robots_txt="User-agent: *\nDisallow: /admin/\n",
                latency=config.latency,
                hsts="max-age=31536000" if config.https else None,
            )
        )
    sites.extend(
        Site(name, pages={"/lib.js": "", "/css": ""}, latency=config.latency)
        for name in THIRD_PARTIES
    )
    return sites


class SimWeb:
    """The simulated web in this process (for tests of the simulator itself)."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.web = TestWeb()

    def __enter__(self) -> SimWeb:
        self.web.start()
        for site in build_sites(self.config):
            self.web.add_site(site)
        return self

    def __exit__(self, *exc: object) -> None:
        self.web.stop()

    def info(self) -> dict[str, Any]:
        return {
            "dns_server": self.web.dns_server,
            "ca_path": str(self.web.ca_path),
            "http_port": self.web.http_port,
            "https_port": self.web.https_port,
            "latency": self.config.latency,
            "tools": [
                [self.web.url(tool_host(i), "/", https=self.config.https)]
                for i in range(self.config.tools)
            ],
        }


class RemoteSimWeb:
    """The simulated web in a child process; ``urls(i)`` are tool i's entry URLs."""

    def __init__(self, tools: int = 10, latency: float = 0.05, seed: int = 1,
                 corpus: Path | None = DEFAULT_CORPUS, https: bool = True) -> None:
        self.config = SimConfig(tools=tools, latency=latency, seed=seed, corpus=corpus,
                                https=https)
        self._process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> RemoteSimWeb:
        command = [sys.executable, "-m", "benchmarks.simweb", "--tools", str(self.config.tools),
                   "--latency", str(self.config.latency), "--seed", str(self.config.seed)]
        if self.config.corpus is None:
            command.append("--no-corpus")
        if not self.config.https:
            command.append("--http")
        self._process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            raise RuntimeError("simulated web did not start")
        self.info = json.loads(line)
        return self

    @property
    def pid(self) -> int:
        """The child's process id (benchmarks leave it out of their memory figures)."""
        assert self._process is not None
        return self._process.pid

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()  # the child stops when its stdin closes
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    @property
    def latency(self) -> float:
        return float(self.info["latency"])

    def urls(self, index: int) -> list[str]:
        return list(self.info["tools"][index])

    def all_urls(self) -> Iterator[list[str]]:
        for index in range(len(self.info["tools"])):
            yield self.urls(index)

    def net_options(self, **overrides: Any) -> NetOptions:
        """Product network options reaching this web (its DNS and CA, loopback allowed)."""
        base = NetOptions(dns_server=self.info["dns_server"], ca_bundle=self.info["ca_path"],
                          allowed_networks=LOOPBACK)
        return dataclasses.replace(base, **overrides)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.simweb",
        description="Sert le web simulé jusqu'à la fermeture de l'entrée standard. "
        "/ Serve the simulated web until standard input is closed.",
    )
    parser.add_argument("--tools", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--http", action="store_true", help="plain HTTP entry URLs")
    args = parser.parse_args(argv)
    config = SimConfig(tools=args.tools, latency=args.latency, seed=args.seed,
                       corpus=None if args.no_corpus else DEFAULT_CORPUS, https=not args.http)
    with SimWeb(config) as web:
        print(json.dumps(web.info()), flush=True)
        sys.stdin.read()  # returns at EOF: the parent is done (or died)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
