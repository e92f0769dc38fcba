"""Audit each fictional site once per session and share the result between test modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.findings import Finding
from rgpd_check.rules import RuleSet, load_rules
from tests.helpers import audit_site
from tests.rules_e2e import sites
from tests.testweb.model import Site
from tests.testweb.web import TestWeb

SITES: dict[str, Callable[[], Site]] = {
    "bonpad": sites.bonpad,
    "quizmax": sites.quizmax,
    "planpad": sites.planpad,
    "discret-robots": lambda: sites.discret("robots"),
    "discret-error": lambda: sites.discret("error"),
    "perime": sites.perime,
}
# Entry URLs are HTTPS; these sites are also given their plain-HTTP address, because the
# product's HTTP probe uses port 80, which the test web does not serve.
PLAIN_HTTP_TOO = {"quizmax", "perime"}


def _reader_available() -> bool:
    try:
        return all(find_spec(f"rgpd_check.analyze.documents.{name}") for name in ("read", "merge"))
    except ImportError:
        return False


# Signals (roles, clauses, ages…) come from the document reader; without it they are absent,
# so the rules that read them are unknown and the tests expecting more are skipped.
READER = _reader_available()
needs_reader = pytest.mark.skipif(
    not READER, reason="document reader (rgpd_check.analyze.documents) not available"
)


@dataclass
class Audited:
    """One audit of a fictional site, with its findings by rule id."""

    result: api.AuditResult

    @property
    def facts(self) -> dict[str, Any]:
        return self.result.facts

    @property
    def level(self) -> str:
        return self.result.classification.level

    def finding(self, rule: str) -> Finding:
        [found] = [f for f in self.result.findings if f.rule == rule]
        return found

    def result_of(self, rule: str) -> str:
        return self.finding(rule).result

    def explain(self, rule: str) -> str:
        """The finding's trace, for assertion messages."""
        finding = self.finding(rule)
        return f"{rule} → {finding.result}\n    " + "\n    ".join(finding.trace)


AuditFn = Callable[..., Audited]


@pytest.fixture(scope="session")
def audited(
    testweb_session: TestWeb, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AuditFn]:
    """``audited(name, **AuditOptions fields)``: the audit of one site, run once per session."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Audited] = {}

    def run(name: str, **options: Any) -> Audited:
        key = (name, tuple(sorted(options.items())))
        if key not in cache:
            site = SITES[name]()
            testweb_session.reset()
            try:
                testweb_session.add_site(site)
                urls = [testweb_session.url(site.host, https=True)]
                if name in PLAIN_HTTP_TOO:
                    urls.append(testweb_session.url(site.host))
                out = tmp_path_factory.mktemp(name)
                cache[key] = Audited(audit_site(testweb_session, urls, out,
                                                crawl={"retries": 0}, formats=("json",),
                                                **options))
            finally:
                testweb_session.reset()
        return cache[key]

    yield run


@pytest.fixture(scope="session")
def builtin_rules() -> RuleSet:
    """The built-in rules, loaded once (loading validates every embedded test)."""
    return load_rules()
