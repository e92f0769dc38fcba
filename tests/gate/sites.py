"""Fixture tools on the test web, audited into the reports layout the gate reads.

A tool can degrade the ways the issue lists: a tracker script appears, its hosting moves to
an address announced from outside the EEA, its DPA text changes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.evidence.bundle import now_iso
from rgpd_check.gate.reports import new_audit_dir, record_audit
from tests.helpers import audit_site
from tests.testweb import Route, Site, TestWeb

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules"
TRACKER_HOST = "www.googletagmanager.com"
# Test web addresses: 127.0.0.2-19 are "in France", 127.0.0.20-30 "in the United States".
FR_IP = "127.0.0.9"
US_IP = "127.0.0.25"
IP2ASN = (
    "127.0.0.2\t127.0.0.19\t16276\tFR\tOVH\n"
    "127.0.0.20\t127.0.0.30\t16509\tUS\tAMAZON-02\n"
)

DPA_V1 = (
    "<h1>Accord de traitement des données (DPA)</h1><p>Le sous-traitant traite les données"
    " personnelles uniquement sur instruction documentée du responsable de traitement."
    " Les personnes autorisées sont tenues à la confidentialité. Mesures de sécurité"
    " (article 32). Sous-traitants ultérieurs avec autorisation préalable. Assistance au"
    " responsable. Suppression ou restitution des données en fin de contrat. Audits.</p>"
)
DPA_V2 = DPA_V1.replace(
    "Suppression ou restitution des données en fin de contrat.",
    "Les données peuvent être conservées et utilisées pour améliorer nos services.",
)


def home(name: str, tracker: bool) -> str:
    script = (
        f'<script src="https://{TRACKER_HOST}:${{HTTPS_PORT}}/gtm.js?id=GTM-1"></script>'
        if tracker
        else ""
    )
    return (
        f'<!doctype html><html lang="fr"><head><title>{name}</title>{script}</head><body>'
        f"<main><h1>{name}</h1><p>Quiz pour la classe.</p></main><footer>"
        '<a href="/confidentialite">Politique de confidentialité</a>'
        '<a href="/mentions-legales">Mentions légales</a>'
        '<a href="/cgu">Conditions générales d\'utilisation</a>'
        '<a href="/dpa">Accord de sous-traitance (DPA)</a></footer></body></html>'
    )


def tool_site(host: str, name: str, *, tracker: bool = False, dpa: str = DPA_V1,
              ip: str = FR_IP) -> Site:
    pages: dict[str, Route | str] = {
        "/": home(name, tracker),
        "/confidentialite": "<h1>Politique de confidentialité</h1><p>Responsable de"
        " traitement : l'éditeur. Données hébergées en France. Vos droits : accès,"
        " rectification, effacement.</p>",
        "/mentions-legales": f"<h1>Mentions légales</h1><p>Éditeur : {name} SAS, Paris.</p>",
        "/cgu": "<h1>Conditions générales d'utilisation</h1><p>Service réservé aux"
        " enseignants et à leurs élèves, dès 3 ans avec l'accord de l'école.</p>",
        "/dpa": dpa,
    }
    return Site(host, ip=ip, pages=pages, https_only_redirect=True,
                hsts="max-age=31536000")


def serve_tracker(web: TestWeb) -> None:
    if web.site(TRACKER_HOST) is None:
        web.add_site(Site(TRACKER_HOST, ip="127.0.0.3",
                          pages={"/gtm.js": Route(body="var dataLayer=[];",
                                                  content_type="application/javascript")}))


def write_ip2asn(path: Path) -> Path:
    path.write_text(IP2ASN, encoding="utf-8")
    return path


class _Ip2AsnSource:
    """Stand-in for an ``--ip-data`` file where the product does not yet read one."""

    name = "test-ip2asn"
    data_date = "2026-01-01"

    def __init__(self, text: str) -> None:
        import ipaddress

        self.ranges = []
        for line in text.splitlines():
            start, end, asn, country, as_name = line.split("\t")
            self.ranges.append((int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end)),
                                int(asn), country, as_name))

    def lookup(self, ip: str) -> dict[str, Any] | None:
        import ipaddress

        value = int(ipaddress.ip_address(ip))
        for start, end, asn, country, as_name in self.ranges:
            if start <= value <= end:
                return {"country": country, "asn": asn, "as_name": as_name,
                        "network": None}
        return None


def locate_loopback(monkeypatch: pytest.MonkeyPatch, ip_data: Path) -> None:
    """Make audits place the test web's loopback addresses with ``ip_data`` (ip2asn format).

    Uses the product's own ``--ip-data`` reading when it answers for these addresses;
    otherwise swaps in an equivalent source (the built-in data never locates loopback).
    """
    from rgpd_check.collect import ipdata, run

    probe = asyncio.run(ipdata.lookup_all([FR_IP], ipdata.build_sources([ip_data])))
    if any((e.get("answer") or {}).get("country") == "FR" for e in probe):
        return
    source = _Ip2AsnSource(ip_data.read_text(encoding="utf-8"))
    monkeypatch.setattr(run, "build_sources", lambda *a, **k: [source])
    original = ipdata.special_reason_of
    monkeypatch.setattr(ipdata, "special_reason_of",
                        lambda ip: None if ip.startswith("127.") else original(ip))


def audit_tool(web: TestWeb, reports: Path, tool_id: str, name: str, host: str,
               **options: Any) -> api.AuditResult:
    """Audit ``host`` into ``reports/<tool_id>/<timestamp>/`` and point ``latest`` at it."""
    audit_dir = new_audit_dir(reports, tool_id)
    options.setdefault("formats", ("json",))
    # The gate re-evaluates stored audits with its own rules: a small rule set is enough here.
    options.setdefault("default_rules", False)
    options.setdefault("rules", (FIXTURE_RULES,))
    started_at = now_iso()
    urls = [web.url(host, https=True)]
    result = audit_site(web, urls, audit_dir, name=name, **options)
    assert record_audit(reports, tool_id, audit_dir, started_at=started_at,
                        inputs={"urls": urls}, result=result)
    return result


def replace_ip(web: TestWeb, host: str, ip: str) -> None:
    """The vendor moves: the host now resolves to ``ip``."""
    site = web.site(host)
    assert site is not None
    site.ip = ip



def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``rgpd-check ARGS`` in this process: exit code, standard output, standard error."""
    from rgpd_check.cli import main

    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err
