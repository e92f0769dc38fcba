"""Hosting end to end on the test web: DNS, ``--ip-data`` files, the online and built-in sources,
facts, rules and reports, with ``evaluate`` re-deriving everything offline."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.cli import main as cli_main
from rgpd_check.collect import ipdata
from rgpd_check.evidence.bundle import Bundle
from tests import helpers
from tests.helpers import cli_network_args
from tests.hosting.mmdb import write_mmdb
from tests.testweb import Site, TestWeb
from tests.trackers.support import FAST_BROWSER, needs_chromium

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ipdata"
TESTWEB_TSV = FIXTURES / "testweb.tsv"
CONFLICTING_TSV = FIXTURES / "conflicting.tsv"
# A public OVH IPv6 address, only ever *resolved* as a mail exchange here (never connected to):
# the built-in database answers for it, with no file and no network.
PUBLIC_OVH_V6 = "2001:41d0::1"

HOME = """<!doctype html><html lang="fr"><head><title>Outil</title></head><body>
<main><h1>Outil pour la classe</h1></main>
<footer><a href="/confidentialite">Politique de confidentialité</a></footer></body></html>"""


def privacy(text: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><title>Politique de confidentialité</title>'
        f"</head><body><h1>Politique de confidentialité</h1><p>{text}</p></body></html>"
    )


def tool_site(
    web: TestWeb,
    host: str = "tool.test",
    ip: str = "127.0.0.2",
    statement: str = "Nous protégeons vos données.",
    extra: str = "",
) -> str:
    home = HOME.replace("</main>", f"{extra}</main>")
    web.add_site(Site(host, ip=ip, pages={"/": home, "/confidentialite": privacy(statement)}))
    return web.url(host)


def audit_site(web: TestWeb, urls: list[str], out: Path, **options: Any) -> api.AuditResult:
    """The shared helper, without the well-known-path and plain-HTTP probes (not needed here)."""
    return helpers.audit_site(
        web, urls, out, crawl={"well_known": False, "probe_http": False}, **options
    )


def findings(result: api.AuditResult) -> dict[str, str]:
    return {f.rule: f.result for f in result.findings if f.family == "hosting"}


def host(facts: dict[str, Any], name: str) -> dict[str, Any]:
    return next(h for h in facts["hosting"]["hosts"] if h["host"] == name)


def test_cname_to_a_cdn(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb, "www.cdntool.test", "127.0.0.4")
    testweb.add_record("www.cdntool.test", "CNAME", "www.cdntool.test.cdn.cloudflare.net.")
    testweb.add_record("www.cdntool.test.cdn.cloudflare.net", "A", "127.0.0.4")
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    assert result.facts["dns"]["hosts"]["www.cdntool.test"]["cname"] == [
        "www.cdntool.test.cdn.cloudflare.net"
    ]
    www = host(result.facts, "www.cdntool.test")
    assert (www["served_via"], www["cdn_detected_by"], www["cdn_provider"]) == (
        "cdn",
        "cname",
        "Cloudflare, Inc.",
    )
    assert www["confidence"] == "low" and www["origin_known"] is False
    hosting = result.facts["hosting"]
    assert hosting["cdn_only"] is True and "tool_countries" not in hosting
    found = findings(result)
    assert (found["HOST-003"], found["HOST-001"], found["HOST-002"]) == (
        "match",
        "unknown",
        "match",
    )
    assert result.report["level"] not in ("recommande", "precautions")  # never "compliant"
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "HOST-003" in markdown and "origine inconnue / origin unknown" in markdown


def test_mail_hosted_elsewhere_and_french_hosting(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb, statement="Les données sont hébergées en France par OVHcloud.")
    testweb.add_record("tool.test", "MX", "10 mx.mailer.test.")
    testweb.add_record("mx.mailer.test", "A", "127.0.0.5")
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    hosting = result.facts["hosting"]
    assert hosting["tool_countries"] == ["FR"] and hosting["non_eu_jurisdiction"] is False
    assert (
        hosting["mail_countries"] == ["US"]
        and host(result.facts, "mx.mailer.test")["role"] == "mail"
    )
    tool = host(result.facts, "tool.test")
    summary = tool["summary"]["fr"]
    assert "127.0.0.2 → FR AS16276 OVH" in summary and "OVHcloud" in summary
    assert "droit européen" in summary and "file:testweb.tsv" in summary and "confiance" in summary
    found = findings(result)
    assert (found["HOST-005"], found["HOST-001"], found["HOST-002"]) == (
        "match",
        "no_match",
        "no_match",
    )
    assert (found["HOST-009"], found["HOST-010"], found["HOST-012"]) == ("match", "match", "match")
    assert (found["HOST-004"], found["HOST-007"]) == ("no_match", "no_match")
    assert hosting["declared"]["providers"] == ["ovhcloud"] and hosting["conflicts"] == []
    [mail] = [f for f in result.findings if f.rule == "HOST-005"]
    assert mail.evidence[0]["host"] == "mx.mailer.test" and "Google" in mail.evidence[0]["answer"]


def test_conflicting_sources_and_explicit_precedence(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb)
    first = audit_site(testweb, [url], tmp_path / "a", ip_data=(TESTWEB_TSV, CONFLICTING_TSV))
    ip = host(first.facts, "tool.test")["ips"][0]
    assert (ip["country"], ip["source"], ip["confidence"]) == ("FR", "file:testweb.tsv", "low")
    assert {d["field"] for d in ip["disagreements"]} == {"country", "asn", "provider"}
    assert [s["name"] for s in first.facts["hosting"]["ip_sources"]][:2] == [
        "file:testweb.tsv",
        "file:conflicting.tsv",
    ]
    assert findings(first)["HOST-014"] == "match" and findings(first)["HOST-001"] == "no_match"
    reversed_ = audit_site(testweb, [url], tmp_path / "b", ip_data=(CONFLICTING_TSV, TESTWEB_TSV))
    assert host(reversed_.facts, "tool.test")["ips"][0]["country"] == "US"
    assert findings(reversed_)["HOST-001"] == "match"


def test_ipv6_ranges_in_the_data_file(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb)
    testweb.add_record("tool.test", "AAAA", "2001:db8:ff::5")
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    tool = host(result.facts, "tool.test")
    assert [(i["ip"], i["version"], i["country"]) for i in tool["ips"]] == [
        ("127.0.0.2", 4, "FR"),
        ("2001:db8:ff::5", 6, "US"),
    ]
    hosting = result.facts["hosting"]
    assert hosting["tool_non_eea_countries"] == ["US"]
    assert hosting["outside_eea"]["tool"][0]["ip"] == "2001:db8:ff::5"
    assert findings(result)["HOST-001"] == "match" and findings(result)["HOST-002"] == "match"
    assert testweb.requests_for("tool.test")  # connected over IPv4 only: 2001:db8:: is refused


def test_missing_data_is_unknown_never_compliant(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb, ip="127.0.0.11")  # absent from the file; loopback: no built-in answer
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    tool = host(result.facts, "tool.test")
    assert tool["confidence"] == "none" and tool["served_via"] == "unknown"
    assert "tool_non_eea_countries" not in result.facts["hosting"]
    found = findings(result)
    for rule in ("HOST-001", "HOST-002", "HOST-010"):
        assert found[rule] == "unknown", rule
    assert result.report["level"] not in ("recommande", "precautions")
    [unknown] = [f for f in result.findings if f.rule == "HOST-001"]
    assert "juridiction inconnue" in unknown.evidence[0]["answer"]


def test_builtin_data_answers_offline_with_its_date(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb)
    testweb.add_record("tool.test", "MX", "10 mx.tool.test.")
    testweb.add_record("mx.tool.test", "AAAA", PUBLIC_OVH_V6)
    result = audit_site(testweb, [url], tmp_path)  # no --ip-data, no online source
    builtin_date = ipdata.Geoip2FastSource().data_date
    [source] = result.facts["hosting"]["ip_sources"]
    assert (source["name"], source["date"]) == ("builtin:geoip2fast", builtin_date)
    assert source["stale"] == (source["age_days"] > 365)
    mx = host(result.facts, "mx.tool.test")
    [ip] = mx["ips"]
    assert (ip["country"], ip["provider_id"], ip["provider_match"]) == ("FR", "ovhcloud", "as_name")
    assert ip["source_date"] == builtin_date and ip["country_basis"] == "geolocation"
    assert result.facts["hosting"]["mail_countries"] == ["FR"]
    assert findings(result)["HOST-005"] == "no_match"
    annex = result.report["scope"]["ip_data_sources"]
    assert annex[0]["date"] == builtin_date
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "builtin:geoip2fast" in html


def test_stale_builtin_database(
    testweb: TestWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ipdata._geoip2fast()

    class OldData:
        def get_database_info(self) -> dict[str, Any]:
            return {"source_info": "MAXMIND:GeoLite2-CountryASN-IPv4IPv6-en-20190101"}

        def lookup(self, ip: str) -> Any:
            return real.lookup(ip)

    monkeypatch.setattr(ipdata, "_geoip2fast", OldData)
    monkeypatch.setattr(ipdata, "builtin_source", ipdata.Geoip2FastSource)  # not the cached one
    url = tool_site(testweb)
    testweb.add_record("tool.test", "MX", "10 mx.tool.test.")
    testweb.add_record("mx.tool.test", "AAAA", PUBLIC_OVH_V6)
    result = audit_site(testweb, [url], tmp_path)
    hosting = result.facts["hosting"]
    assert hosting["stale_sources"] == ["builtin:geoip2fast"]
    assert hosting["ip_sources"][0]["date"] == "2019-01-01"
    assert "plus d'un an" in hosting["ip_sources"][0]["version"]
    assert host(result.facts, "mx.tool.test")["confidence"] == "low"
    assert findings(result)["HOST-011"] == "match"


def test_provider_known_only_by_its_as_name(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb, ip="127.0.0.6")
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    [ip] = host(result.facts, "tool.test")["ips"]
    assert (ip["asn"], ip["provider_id"], ip["provider_match"]) == (64512, "infomaniak", "as_name")
    assert host(result.facts, "tool.test")["jurisdictions"] == ["CH"]
    found = findings(result)
    assert (found["HOST-001"], found["HOST-002"]) == (
        "no_match",
        "no_match",
    )  # Switzerland: adequate


def test_declared_hosting_contradicts_observation(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(
        testweb,
        ip="127.0.0.7",
        statement="Les données sont hébergées en France par OVHcloud, à Roubaix.",
    )
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    conflicts = {c["kind"]: c for c in result.facts["hosting"]["conflicts"]}
    assert conflicts["country"]["observed"] == "US" and conflicts["country"]["material"]
    assert "DigitalOcean" in conflicts["provider"]["observed"]
    found = findings(result)
    assert (found["HOST-004"], found["HOST-001"], found["HOST-012"]) == ("match", "match", "match")
    [conflict] = [f for f in result.findings if f.rule == "HOST-004"]
    assert any(e["type"] == "document" and "OVHcloud" in e["quote"] for e in conflict.evidence)


def test_no_hosting_statement_and_dpf_only(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(
        testweb,
        statement="Les transferts vers les États-Unis reposent sur le Data Privacy Framework.",
    )
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    declared = result.facts["hosting"]["declared"]
    assert declared["dpf_only"] is True and declared["mechanisms"] == ["dpf"]
    found = findings(result)
    assert found["HOST-006"] == "match"
    assert found["HOST-007"] == ("match" if result.facts["crawl"]["complete"] else "unknown")


def test_third_party_outside_the_eea(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("cdn.other.test", ip="127.0.0.7", pages={"/lib.js": "x"}))
    script = '<script src="https://cdn.other.test:${HTTPS_PORT}/lib.js"></script>'
    url = tool_site(testweb, extra=script)
    result = audit_site(testweb, [url], tmp_path, ip_data=(TESTWEB_TSV,))
    assert host(result.facts, "cdn.other.test")["role"] == "third_party"
    assert result.facts["hosting"]["third_party_non_eea_countries"] == ["US"]
    assert findings(result)["HOST-008"] == "match"
    assert not testweb.requests_for("cdn.other.test")  # resolved, never fetched


def test_online_source_through_the_audit_resolver(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb)
    testweb.add_record(
        "2.0.0.127.origin.asn.cymru.com", "TXT", '"16276 | 127.0.0.0/8 | FR | ripencc | 2001-01-01"'
    )
    testweb.add_record(
        "AS16276.asn.cymru.com", "TXT", '"16276 | FR | ripencc | 2001-01-01 | OVH, FR"'
    )
    result = audit_site(testweb, [url], tmp_path, ip_online=True)
    [ip] = host(result.facts, "tool.test")["ips"]
    assert (ip["source"], ip["asn"], ip["as_name"], ip["country"]) == (
        "online:team-cymru",
        16276,
        "OVH, FR",
        "FR",
    )
    assert ip["country_basis"] == "registration" and ip["provider_id"] == "ovhcloud"
    asked = {(e["qname"], e["rtype"]) for e in Bundle.open(tmp_path).dns_entries()}
    assert ("2.0.0.127.origin.asn.cymru.com", "TXT") in asked
    assert ("as16276.asn.cymru.com", "TXT") in asked
    assert any(q.name == "2.0.0.127.origin.asn.cymru.com" for q in testweb.dns_log)
    assert findings(result)["HOST-010"] == "match"


def test_mmdb_and_tsv_agree_high_confidence(testweb: TestWeb, tmp_path: Path) -> None:
    geo = write_mmdb(
        tmp_path / "GeoLite2-Country.mmdb",
        {"127.0.0.2/32": {"country": {"iso_code": "FR"}}},
        database_type="GeoLite2-Country",
        build_epoch=int(time.time()) - 86400,
    )
    url = tool_site(testweb)
    result = audit_site(testweb, [url], tmp_path / "out", ip_data=(TESTWEB_TSV, geo))
    tool = host(result.facts, "tool.test")
    assert tool["confidence"] == "high" and "sources_agree" in tool["confidence_reasons"]
    assert tool["ips"][0]["country_basis"] == "geolocation"
    assert "confiance élevée" in tool["summary"]["fr"]


def test_evaluate_offline_rebuilds_the_same_hosting_facts(testweb: TestWeb, tmp_path: Path) -> None:
    url = tool_site(testweb)
    testweb.add_record("tool.test", "MX", "10 mx.mailer.test.")
    testweb.add_record("mx.mailer.test", "A", "127.0.0.5")
    data = tmp_path / "data.tsv"
    shutil.copy(TESTWEB_TSV, data)
    audited = audit_site(testweb, [url], tmp_path / "out", ip_data=(data,))
    data.unlink()  # the answers are in the bundle: the file is no longer needed
    testweb.reset()  # nor the network
    again = api.evaluate(tmp_path / "out")
    assert again.facts["hosting"] == audited.facts["hosting"]
    assert findings(again) == findings(audited)


def test_stale_user_file(testweb: TestWeb, tmp_path: Path) -> None:
    data = tmp_path / "old.tsv"
    shutil.copy(TESTWEB_TSV, data)
    os.utime(data, (1_500_000_000, 1_500_000_000))  # 2017
    url = tool_site(testweb)
    result = audit_site(testweb, [url], tmp_path / "out", ip_data=(data,))
    assert result.facts["hosting"]["stale_sources"] == ["file:old.tsv"]
    assert findings(result)["HOST-011"] == "match"


def test_cli_ip_options(
    testweb: TestWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = tool_site(testweb)
    with pytest.raises(SystemExit) as done:
        cli_main(
            [
                "audit",
                url,
                "--out",
                str(tmp_path / "ok"),
                *cli_network_args(testweb),
                "--ip-data",
                str(TESTWEB_TSV),
                "--no-ip-online",
                "--no-browser",
                "--format",
                "json",
                "--max-pages",
                "5",
            ]
        )
    assert done.value.code == 0
    report = json.loads((tmp_path / "ok" / "report.json").read_text(encoding="utf-8"))
    assert report["facts"]["hosting"]["tool_countries"] == ["FR"]
    assert not any(e["rtype"] == "TXT" for e in Bundle.open(tmp_path / "ok").dns_entries())
    bad = tmp_path / "bad.tsv"
    bad.write_text("127.0.0.2\tnot-an-address\t1\tFR\tX\n")
    testweb.clear_log()
    with pytest.raises(SystemExit) as done:
        cli_main(
            [
                "audit",
                url,
                "--out",
                str(tmp_path / "bad"),
                *cli_network_args(testweb),
                "--ip-data",
                str(bad),
            ]
        )
    assert done.value.code == 2
    assert "bad.tsv:1" in capsys.readouterr().err
    assert testweb.requests == []  # rejected before any request


@pytest.mark.browser
@needs_chromium
def test_third_party_seen_only_by_the_browser(testweb: TestWeb, tmp_path: Path) -> None:
    testweb.add_site(Site("beacon.thirdparty.test", ip="127.0.0.7", pages={"/c": "ok"}))
    script = (
        '<script>fetch("https://" + "beacon" + ".thirdparty.test:${HTTPS_PORT}/c")'
        ".catch(function () {});</script>"
    )
    testweb.add_site(
        Site(
            "tool.test",
            ip="127.0.0.2",
            pages={
                "/": HOME.replace("</main>", f"{script}</main>"),
                "/confidentialite": privacy("Rien."),
            },
        )
    )
    result = audit_site(
        testweb,
        [testweb.url("tool.test", https=True)],
        tmp_path,
        ip_data=(TESTWEB_TSV,),
        browser=True,
        browser_options=FAST_BROWSER,
    )
    assert testweb.requests_for("beacon.thirdparty.test")  # the browser really sent it
    beacon = host(result.facts, "beacon.thirdparty.test")
    assert beacon["role"] == "third_party" and beacon["countries"] == ["US"]
    assert findings(result)["HOST-008"] == "match"
