"""Programmable fictional web for tests: loopback sites, a real DNS server and a test CA.

Typical use (the ``testweb`` fixture comes from ``tests/testweb/plugin.py``)::

    def test_footer(testweb: TestWeb) -> None:
        testweb.add_site(Site("edu-pad.test", pages={"/": "<a href='/cgu'>CGU</a>"}))
        # product options: --dns-server testweb.dns_server --ca-bundle testweb.ca_path
        url = testweb.url("edu-pad.test")            # http://edu-pad.test:PORT/
        with testweb.client() as client:              # resolves through the test DNS
            assert client.get(url).status_code == 200
        assert testweb.paths_for("edu-pad.test") == ["/"]

Bodies may contain ``${HTTP_PORT}``, ``${HTTPS_PORT}``, ``${PORT}``, ``${HOST}`` and
``${SCHEME}``, replaced when served. For Chromium: ``--host-resolver-rules`` from
``host_resolver_rules()`` and ``--ignore-certificate-errors-spki-list`` from ``spki_hash``.
"""

from tests.testweb.model import DnsFault, DnsRecord, Route, Site
from tests.testweb.reqlog import DnsQuery, LoggedRequest, TlsHandshake
from tests.testweb.web import TestWeb

__all__ = [
    "DnsFault",
    "DnsQuery",
    "DnsRecord",
    "LoggedRequest",
    "Route",
    "Site",
    "TestWeb",
    "TlsHandshake",
]
