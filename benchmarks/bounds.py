"""Latency bounds: the time a perfect client needs, given the requests it had to make.

A perfect client still obeys the polite defaults (``CrawlOptions``): robots.txt is read before
any page of an origin, at most ``per_host`` requests are in flight on a host and two request
starts on one host are ``delay`` seconds apart. It spends no CPU and every request costs
exactly the simulated latency ``L``. Hosts are independent, so one audit's bound is that of
its busiest host; a batch of tools run ``jobs`` at a time cannot beat the total divided by
``jobs``, nor its longest tool.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rgpd_check.analyze.domains import host_of
from rgpd_check.evidence.bundle import Bundle

AUDIT_FORMULA = (
    "bound = max over hosts h of [ L·robots_h + (k_h − 1)·max(delay, L/per_host) + L ], "
    "k_h = page requests on h (retries and redirect hops included), robots.txt before pages"
)
BATCH_FORMULA = "bound = max( Σ bound_i / jobs , max bound_i ) over the N tools"


@dataclass(frozen=True)
class HostRequests:
    """Requests one audit made to one host, as stored in its WARC."""

    host: str
    robots: int
    pages: int


def requests_per_host(audit_dir: Path) -> list[HostRequests]:
    """Count the stored exchanges per host (robots.txt apart) of an audit folder."""
    robots: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for record in Bundle.open(audit_dir).http_records():
        host = host_of(record.url)
        if record.url.split("?", 1)[0].endswith("/robots.txt"):
            robots[host] += 1
        else:
            pages[host] += 1
    return [HostRequests(h, robots[h], pages[h]) for h in sorted(set(robots) | set(pages))]


def host_bound(requests: HostRequests, latency: float, delay: float, per_host: int) -> float:
    """Seconds a perfect client needs for one host's requests."""
    robots_time = latency if requests.robots else 0.0
    if requests.pages == 0:
        return robots_time
    spacing = max(delay, latency / max(per_host, 1))
    return robots_time + (requests.pages - 1) * spacing + latency


def audit_bound(hosts: list[HostRequests], latency: float, delay: float, per_host: int) -> float:
    """Seconds a perfect client needs for one audit (its busiest host)."""
    return max((host_bound(h, latency, delay, per_host) for h in hosts), default=0.0)


def batch_bound(tool_bounds: list[float], jobs: int) -> float:
    """Seconds a perfect scheduler needs to run every tool, ``jobs`` at a time."""
    if not tool_bounds:
        return 0.0
    return max(sum(tool_bounds) / max(jobs, 1), max(tool_bounds))
