"""JUnit XML: one test case per approved tool, as GitLab and Jenkins read it.

The document follows the widely used JUnit schema (Apache Ant's format, as published by Windy
Road): ``properties``, ``system-out`` and ``system-err`` are always present, a test case has at
most one ``failure`` or ``error`` (all reasons are in its text), and notes go to
``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from rgpd_check import __version__
from rgpd_check.gate.formats.common import level_label
from rgpd_check.gate.result import ERROR_CODES, FAIL, GateResult, ToolResult


def _lines(display: str, item: ToolResult) -> list[str]:
    return [
        f"{display}:{r.line}: [{r.severity}] [{r.code}] {r.both()}" for r in item.sorted_reasons()
    ]


def _testcase(suite: ET.Element, display: str, item: ToolResult) -> str | None:
    case = ET.SubElement(
        suite, "testcase", name=item.tool.id, classname=display, time=f"{item.seconds:.3f}"
    )
    failures = [r for r in item.sorted_reasons() if r.severity == FAIL]
    if not failures:
        return None
    kind = "error" if all(r.code in ERROR_CODES for r in failures) else "failure"
    first = failures[0]
    element = ET.SubElement(case, kind, message=first.both(), type=first.code)
    header = (
        f"{item.name} [{item.tool.id}] — {display}:{item.tool.line}"
        f" — niveau / level: {level_label(item.level_with_waivers)}"
        f"; accepté / accepted: {item.tool.accepted_level}"
    )
    element.text = "\n".join([header, *_lines(display, item)])
    return kind


def render_junit(result: GateResult) -> str:
    display = result.approved.display
    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"rgpd-check ci: {display}",
        package="rgpd-check.ci",
        id="0",
        timestamp=result.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname="localhost",
        time=f"{result.seconds:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("rgpd_check_version", __version__),
        ("rules_version", result.rules_version or ""),
        ("mode", result.mode),
        ("strict", str(result.strict).lower()),
        ("today", result.today.isoformat()),
        ("approved_list", display),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    counts = {"failure": 0, "error": 0}
    notes: list[str] = []
    for item in result.tools:
        kind = _testcase(suite, display, item)
        if kind:
            counts[kind] += 1
        elif item.reasons:
            notes += [f"{item.tool.id}: {line}" for line in _lines(display, item)]
    suite.set("tests", str(len(result.tools)))
    suite.set("failures", str(counts["failure"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", "0")
    ET.SubElement(suite, "system-out").text = "\n".join(notes)
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
