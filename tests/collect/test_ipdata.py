"""IP-data sources: file formats, the online source's parsing, the built-in fallback, ranking."""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.collect.ipdata import (
    CymruDnsSource,
    Geoip2FastSource,
    Ip2AsnTsvSource,
    MmdbSource,
    build_sources,
    check_ip_data_files,
    cymru_origin_name,
    lookup_all,
    open_file_source,
    survey_mail_hosts,
)
from rgpd_check.collect.resolver import DnsAnswer
from rgpd_check.errors import InputError
from tests.hosting.mmdb import write_mmdb

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ipdata"
TESTWEB_TSV = FIXTURES / "testweb.tsv"
JAN_2025 = 1_735_689_600


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_tsv_lookup_ipv4_and_ipv6_ranges() -> None:
    source = Ip2AsnTsvSource(TESTWEB_TSV)
    ovh = run(source.lookup("127.0.0.2"))
    assert ovh == {
        "asn": 16276,
        "as_name": "OVH",
        "country": "FR",
        "country_basis": "registration",
        "network": "127.0.0.2-127.0.0.2",
    }
    v6 = run(source.lookup("2001:db8:ff::5"))
    assert (v6["asn"], v6["country"]) == (14061, "US")
    assert v6["network"].startswith("2001:db8:ff::-")
    assert run(source.lookup("127.0.0.11")) is None  # deliberately absent
    assert run(source.lookup("127.0.0.1")) is None  # "Not routed" is no answer
    assert run(source.lookup("2001:db8:17::1")) is None


def test_tsv_gzip_and_description(tmp_path: Path) -> None:
    packed = tmp_path / "ip2asn-combined.tsv.gz"
    packed.write_bytes(gzip.compress(TESTWEB_TSV.read_bytes()))
    stamp = 1_600_000_000  # 2020-09-13
    os.utime(packed, (stamp, stamp))
    source = open_file_source(packed)
    assert isinstance(source, Ip2AsnTsvSource)
    assert run(source.lookup("127.0.0.8"))["as_name"] == "HETZNER-AS"
    described = source.describe()
    assert described["data_date"] == "2020-09-13" and described["data_date_basis"] == "file_mtime"
    assert described["rows"] == 12 and len(described["sha256"]) == 64
    assert described["name"] == "file:ip2asn-combined.tsv.gz"


def test_tsv_country_none_and_zz(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(
        "192.0.2.0\t192.0.2.255\t64500\tNone\tEXAMPLE-AS\n"
        "198.51.100.0\t198.51.100.255\t64501\tZZ\tOTHER-AS\n"
    )
    answer = run(Ip2AsnTsvSource(path).lookup("192.0.2.7"))
    assert answer["country"] is None and answer["country_basis"] is None
    assert answer["asn"] == 64500
    assert run(Ip2AsnTsvSource(path).lookup("198.51.100.1"))["country"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("127.0.0.1\t127.0.0.2\t1\n", "5 tab-separated"),
        ("127.0.0.9\t127.0.0.2\t1\tFR\tX\n", "invalid range"),
        ("not-an-ip\t127.0.0.2\t1\tFR\tX\n", "does not appear to be"),
    ],
)
def test_tsv_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("# comment\n" + text)
    with pytest.raises(InputError, match=message) as error:
        check_ip_data_files([path])
    assert "bad.tsv:2" in str(error.value)


def test_check_rejects_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n")
    with pytest.raises(InputError, match="no address range"):
        check_ip_data_files([empty])
    binary = tmp_path / "blob.dat"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match="unknown IP data format"):
        check_ip_data_files([binary])
    with pytest.raises(InputError, match="not found"):
        check_ip_data_files([tmp_path / "missing.tsv"])
    check_ip_data_files([TESTWEB_TSV])


def test_mmdb_asn_and_country(tmp_path: Path) -> None:
    path = write_mmdb(
        tmp_path / "geo.mmdb",
        {
            "127.0.0.2/32": {
                "autonomous_system_number": 16276,
                "autonomous_system_organization": "OVH SAS",
                "country": {"iso_code": "FR"},
            },
            "2001:db8:16::/48": {"country": {"iso_code": "DE"}},
        },
        database_type="GeoLite2-Country",
        build_epoch=JAN_2025,
    )
    source = open_file_source(path)
    assert isinstance(source, MmdbSource)
    answer = run(source.lookup("127.0.0.2"))
    assert answer == {
        "asn": 16276,
        "as_name": "OVH SAS",
        "country": "FR",
        "country_basis": "geolocation",
        "network": "127.0.0.2/32",
    }
    assert run(source.lookup("2001:db8:16::9"))["country"] == "DE"
    assert run(source.lookup("127.0.0.3")) is None
    described = source.describe()
    assert described["data_date"] == "2025-01-01"
    assert described["description"] == "GeoLite2-Country"


def test_mmdb_is_recognised_by_content_and_ipinfo_shapes(tmp_path: Path) -> None:
    path = write_mmdb(
        tmp_path / "asn-data",
        {
            "192.0.2.0/24": {"asn": "AS64500", "as_name": "EXAMPLE", "country": "NL"},
        },
    )
    source = open_file_source(path)
    assert isinstance(source, MmdbSource)
    assert run(source.lookup("192.0.2.1")) == {
        "asn": 64500,
        "as_name": "EXAMPLE",
        "country": "NL",
        "country_basis": "geolocation",
        "network": "192.0.2.0/24",
    }


def test_broken_mmdb_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.mmdb"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(InputError, match="unreadable .mmdb"):
        check_ip_data_files([path])


def test_builtin_answers_public_addresses_never_special_ones() -> None:
    source = Geoip2FastSource()
    assert source.data_date and len(source.data_date) == 10
    answer = run(source.lookup("2001:41d0::1"))  # an OVH range in GeoLite2-derived data
    assert answer is not None and answer["country_basis"] == "geolocation"
    assert answer["asn"] is None and "OVH" in answer["as_name"]
    for special in ("127.0.0.2", "10.1.2.3", "::1", "192.168.0.1", "169.254.169.254"):
        assert run(source.lookup(special)) is None
    described = source.describe()
    assert described["kind"] == "builtin" and "geoip2fast" in described["description"]


class FakeResolver:
    """Answers TXT questions from a dict; records what was asked."""

    description = "fake"

    def __init__(self, records: dict[str, str], status: str = "ok") -> None:
        self.records = records
        self.status = status
        self.asked: list[tuple[str, str]] = []

    async def query(self, name: str, rtype: str) -> DnsAnswer:
        self.asked.append((name, rtype))
        if self.status != "ok":
            return DnsAnswer(name, rtype, self.status)
        if name in self.records:
            return DnsAnswer(name, rtype, "ok", (self.records[name],))
        return DnsAnswer(name, rtype, "nxdomain")


def test_cymru_names() -> None:
    assert cymru_origin_name("127.0.0.2") == "2.0.0.127.origin.asn.cymru.com"
    name = cymru_origin_name("2001:db8::1")
    assert name.endswith(".8.b.d.0.1.0.0.2.origin6.asn.cymru.com")
    assert name.startswith("1.0.0.0.") and len(name.split(".")) == 32 + 4


def test_cymru_parses_origin_and_as_name() -> None:
    resolver = FakeResolver(
        {
            "2.0.0.127.origin.asn.cymru.com": (
                "16276 35540 | 127.0.0.0/8 | FR | ripencc | 2001-01-01"
            ),
            "AS16276.asn.cymru.com": "16276 | FR | ripencc | 2001-01-01 | OVH, FR",
        }
    )
    answer = run(CymruDnsSource(resolver).lookup("127.0.0.2"))
    assert answer == {
        "asn": 16276,
        "as_name": "OVH, FR",
        "country": "FR",
        "country_basis": "registration",
        "network": "127.0.0.0/8",
        "registry": "ripencc",
        "other_asns": [35540],
    }
    assert run(CymruDnsSource(resolver).lookup("127.0.0.3")) is None


def test_cymru_stops_after_resolver_failures() -> None:
    resolver = FakeResolver({}, status="timeout")
    source = CymruDnsSource(resolver)
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"):
        assert run(source.lookup(ip)) is None
    assert len(resolver.asked) == 2 and source.disabled_reason == "resolver timeout"


def test_build_sources_order_and_duplicates(tmp_path: Path) -> None:
    other = tmp_path / "testweb.tsv"
    other.write_bytes(TESTWEB_TSV.read_bytes())
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"nothing")
    sources = build_sources([TESTWEB_TSV, other, broken], online=True, resolver=FakeResolver({}))
    assert [s.name for s in sources] == [
        "file:testweb.tsv",
        "file:testweb.tsv#2",
        "file:broken.mmdb",
        "online:team-cymru",
        "builtin:geoip2fast",
    ]
    assert [s.kind for s in sources] == ["file", "file", "file", "online", "builtin"]
    assert build_sources([], online=True)[-1].kind == "builtin"  # no resolver: no online source
    assert build_sources([], builtin=False) == []


def test_lookup_all_records_sources_then_answers(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"nothing")
    sources = build_sources([TESTWEB_TSV, broken])
    entries = run(lookup_all(["127.0.0.2", "2001:41d0::1", "127.0.0.2", "bogus"], sources))
    described = [e for e in entries if e["type"] == "source"]
    assert [(e["name"], e["rank"]) for e in described] == [
        ("file:testweb.tsv", 1),
        ("file:broken.mmdb", 2),
        ("builtin:geoip2fast", 3),
    ]
    assert "unreadable" in described[1]["error"]
    answers = [e for e in entries if e["type"] == "answer"]
    assert [(e["ip"], e["source"]) for e in answers] == [
        ("127.0.0.2", "file:testweb.tsv"),
        ("127.0.0.2", "builtin:geoip2fast"),
        ("2001:41d0::1", "file:testweb.tsv"),
        ("2001:41d0::1", "builtin:geoip2fast"),
    ]
    loopback = answers[:2]
    assert all(e["special"] == "loopback" for e in loopback)
    assert loopback[0]["answer"]["asn"] == 16276 and loopback[1]["answer"] is None
    assert answers[3]["answer"]["country_basis"] == "geolocation"


def test_lookup_failure_is_recorded_not_raised() -> None:
    class Exploding:
        name = "file:boom"
        kind = "file"

        def describe(self) -> dict[str, Any]:
            return {"name": self.name, "kind": self.kind}

        async def lookup(self, ip: str) -> dict[str, Any] | None:
            raise RuntimeError("disk on fire")

    [source_line, answer] = run(lookup_all(["192.0.2.1"], [Exploding()]))
    assert source_line["type"] == "source"
    assert answer["answer"] is None and "disk on fire" in answer["detail"]


def test_survey_mail_hosts_asks_addresses_of_exchanges() -> None:
    class MxResolver(FakeResolver):
        async def query(self, name: str, rtype: str) -> DnsAnswer:
            self.asked.append((name, rtype))
            if rtype == "MX" and name == "tool.test":
                return DnsAnswer(name, rtype, "ok", ("10 mx1.mail.test", "20 mx2.mail.test"))
            if rtype == "MX":
                return DnsAnswer(name, rtype, "ok", ("0 .",))  # null MX: no mail
            return DnsAnswer(name, rtype, "nxdomain")

    resolver = MxResolver({})
    assert run(survey_mail_hosts(resolver, ["tool.test", "nomail.test"])) == [
        "mx1.mail.test",
        "mx2.mail.test",
    ]
    assert sorted(q for q in resolver.asked if q[1] != "MX") == [
        ("mx1.mail.test", "A"),
        ("mx1.mail.test", "AAAA"),
        ("mx2.mail.test", "A"),
        ("mx2.mail.test", "AAAA"),
    ]
