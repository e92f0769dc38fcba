"""robots.txt, obeyed before any fetch (protego, one parsed file per origin).

Following RFC 9309: a 4xx robots.txt means "no rules"; an unreachable one (5xx, network
failure) means "disallow everything" for that origin, and the report says so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from rgpd_check.collect.net import FetchResult, NetClient
from rgpd_check.evidence.content import decode_content, decode_text

ROBOTS_MAX_BYTES = 512 * 1024


@dataclass
class RobotsRules:
    """The rules of one origin; ``unreachable`` when robots.txt could not be read."""

    origin: str
    parser: Protego | None
    unreachable: str | None = None
    network_error: str | None = None

    def allows(self, url: str, agent: str) -> bool:
        if self.unreachable:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        rate = self.parser.request_rate(agent)
        if rate is not None and rate.requests:
            rate_delay = rate.seconds / rate.requests
            delay = max(delay or 0.0, rate_delay)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RobotsCache:
    """Fetches each origin's robots.txt once (concurrent askers wait for the same fetch)."""

    def __init__(self, net: NetClient, agent_token: str, max_redirects: int = 5) -> None:
        self._net = net
        self.agent = agent_token
        self._max_redirects = max_redirects
        self._rules: dict[str, asyncio.Task[RobotsRules]] = {}
        self.fetched: list[FetchResult] = []

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        task = self._rules.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self._rules[origin] = task
        return await task

    async def _load(self, origin: str) -> RobotsRules:
        url = origin + "/robots.txt"
        for _ in range(self._max_redirects + 1):
            result = await self._net.fetch(url, max_bytes=ROBOTS_MAX_BYTES)
            self.fetched.append(result)
            if result.status in (301, 302, 303, 307, 308) and result.header("location"):
                url = urljoin(url, result.header("location") or "")
                continue
            break
        if result.status is None:
            detail = f"robots.txt: {result.error}: {result.error_detail}"
            return RobotsRules(origin, None, unreachable=detail, network_error=result.error)
        if result.status >= 500 or result.status == 429:
            return RobotsRules(origin, None, unreachable=f"robots.txt HTTP {result.status}")
        if result.status >= 400 or result.status in (301, 302, 303, 307, 308):
            return RobotsRules(origin, None)
        body, _ = decode_content(
            result.body, result.header("content-encoding"), ROBOTS_MAX_BYTES * 4
        )
        text, _ = decode_text(body, result.header("content-type"))
        return RobotsRules(origin, Protego.parse(text))
