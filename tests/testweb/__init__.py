"""Programmable fictional web for tests: loopback sites, a real DNS server and a test CA.

Use the ``testweb`` pytest fixture (see ``plugin.py``) or ``TestWeb`` directly.
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
