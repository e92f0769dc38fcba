"""Measuring helpers shared by the benchmarks: CPU per stage, peak memory, printed figures.

Stage times are *self* CPU times: a stage nested in another (HTML parsing inside fact
building) is subtracted from its parent, so the stages add up to the audit's CPU. Only
synchronous functions are wrapped: asynchronous work (fetching) is what remains.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import platform
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# stage → functions (module, attribute) whose self time belongs to it. Attributes missing in
# this version of the code are skipped (the reader and renderer are other people's modules).
STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "html_parsing": (
        ("rgpd_check.collect.crawler", "parse_page"),
        ("rgpd_check.analyze.pages", "parse_page"),
    ),
    "body_decoding": (
        ("rgpd_check.collect.crawler", "decode_content"),
        ("rgpd_check.collect.crawler", "decode_text"),
        ("rgpd_check.analyze.pages", "decode_content"),
        ("rgpd_check.analyze.pages", "decode_text"),
    ),
    "evidence_writing": (("rgpd_check.evidence.warc.WarcLog", "write_exchange"),),
    "evidence_reading": (("rgpd_check.evidence.bundle.Bundle", "http_records"),),
    "document_reading": (
        ("rgpd_check.analyze.document_facts", "_document_text"),
        ("rgpd_check.analyze.document_facts", "_read_signals"),
        ("rgpd_check.analyze.document_facts", "_merge"),
    ),
    "facts_other": (("rgpd_check.api", "build_facts"),),
    "rules_loading": (("rgpd_check.api", "_ruleset"),),
    "rules_evaluation": (("rgpd_check.api", "evaluate_rules"),),
    "classify": (("rgpd_check.api", "classify"), ("rgpd_check.api", "load_policy")),
    "report_and_rendering": (
        ("rgpd_check.api", "build_report"),
        ("rgpd_check.api", "render_all"),
        ("rgpd_check.api", "write_atomic"),
    ),
    "ip_data_sources": (("rgpd_check.collect.run", "build_sources"),),
}
FETCH_STAGE = "fetch_and_crawl (rest)"


class StageClock:
    """Wraps the stage functions while active and adds up their self CPU time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.calls: dict[str, int] = dict.fromkeys(STAGES, 0)
        self._stack: list[float] = []  # child time accumulated by each open frame

    def _wrap(self, stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        if getattr(func, "__wrapped_stage__", None):
            return func

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            self._stack.append(0.0)
            try:
                result = func(*args, **kwargs)
                if stage == "evidence_reading":  # a generator: drain it while timed
                    result = list(result)
                return result
            finally:
                elapsed = time.thread_time() - started
                children = self._stack.pop()
                self.seconds[stage] += elapsed - children
                self.calls[stage] += 1
                if self._stack:
                    self._stack[-1] += elapsed

        timed.__wrapped_stage__ = stage  # type: ignore[attr-defined]
        return timed

    @contextlib.contextmanager
    def active(self) -> Iterator[StageClock]:
        patched: list[tuple[Any, str, Any]] = []
        for stage, targets in STAGES.items():
            for module_name, attribute in targets:
                owner = _resolve(module_name)
                if owner is None or not hasattr(owner, attribute):
                    continue
                original = getattr(owner, attribute)
                patched.append((owner, attribute, original))
                setattr(owner, attribute, self._wrap(stage, original))
        try:
            yield self
        finally:
            for owner, attribute, original in reversed(patched):
                setattr(owner, attribute, original)


def _resolve(dotted: str) -> Any:
    """A module, or a class inside one (``pkg.mod.Class``); None when absent."""
    try:
        return importlib.import_module(dotted)
    except ImportError:
        module_name, _, attribute = dotted.rpartition(".")
        try:
            return getattr(importlib.import_module(module_name), attribute, None)
        except ImportError:
            return None


class TreeMemory:
    """Peak memory of a process tree, summed and sampled from /proc in a thread.

    Two sums: RSS counts a page shared between processes (Chromium's) once per process; PSS
    shares it between them. ``include_self`` counts this process too (a batch and its
    workers); ``exclude`` drops a subtree (the simulated web). Linux only.
    """

    def __init__(self, include_self: bool = True, exclude: Sequence[int] = (),
                 every: float = 0.05) -> None:
        import threading

        self.include_self = include_self
        self.exclude = set(exclude)
        self.every = every
        self.peaks: dict[str, float] = {"rss": 0.0, "pss": 0.0}
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def peak_mb(self) -> float:
        return self.peaks["rss"]

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        tick = 0
        while True:
            pids = self._pids()
            if pids:
                self.processes = max(self.processes, len(pids))
                self.peaks["rss"] = max(self.peaks["rss"], sum(map(_rss_mb, pids)))
                if tick % 4 == 0:  # smaps_rollup walks page tables: costlier, sampled less
                    self.peaks["pss"] = max(self.peaks["pss"], sum(map(_pss_mb, pids)))
                tick += 1
            if self._stop.wait(self.every):
                return

    def _pids(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                    ppid = int(stat.rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], list(children.get(os.getpid(), []))
        while todo:
            pid = todo.pop()
            if pid not in self.exclude:
                found.append(pid)
                todo += children.get(pid, [])
        return [os.getpid(), *found] if self.include_self else found


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE / 2**20
    return 0.0


def _pss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


_PAGE = os.sysconf("SC_PAGE_SIZE")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpus = os.cpu_count() or 0
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip() + ", "
                break
    return (f"{model}{cpus} cores{memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


@dataclass
class Figure:
    """One measured figure and what it is compared with.

    ``bound`` is a latency bound (ratio = value / bound, target ``max_ratio``); ``limit`` is
    an absolute target (value must stay under it).
    """

    what: str
    value: float
    unit: str
    bound: float | None = None
    max_ratio: float | None = None
    limit: float | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.bound:
            return self.value / self.bound
        if self.limit:
            return self.value / self.limit
        return None

    @property
    def met(self) -> bool | None:
        if self.bound and self.max_ratio:
            return self.value <= self.bound * self.max_ratio
        if self.limit is not None:
            return self.value <= self.limit
        return None

    def line(self) -> str:
        value = f"{self.value:.3f} {self.unit}"
        if self.bound is not None:
            target = f"bound {self.bound:.3f} {self.unit}, ratio {self.ratio:.2f}"
            if self.max_ratio:
                target += f" (target ≤ {self.max_ratio:g}×)"
        elif self.limit is not None:
            target = f"target < {self.limit:g} {self.unit}, ratio {self.ratio:.2f}"
        else:
            target = "(information)"
        verdict = {True: "OK", False: "MISSED", None: ""}[self.met]
        return f"  {self.what:<58} {value:>14}   {target}  {verdict}".rstrip()


def print_figures(title: str, figures: list[Figure], notes: Sequence[str] = ()) -> None:
    print(f"\n== {title} ==")
    for note in notes:
        print(f"  # {note}")
    for figure in figures:
        print(figure.line())


def save(name: str, figures: list[Figure], extra: dict[str, Any] | None = None) -> Path:
    """Keep the figures as JSON for ``run_all`` and ``docs/performance.md``."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": [{**asdict(f), "ratio": f.ratio, "met": f.met} for f in figures],
        **(extra or {}),
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
