"""GitLab Code Quality JSON: failures and warnings, located at the tool's line of the list.

Format: https://docs.gitlab.com/ee/ci/testing/code_quality.html#implement-a-custom-tool
(``description``, ``check_name``, ``fingerprint``, ``severity``, ``location.path``,
``location.lines.begin``). Fingerprints do not depend on line numbers, so the merge-request
widget recognises the same problem from one run to the next.
"""

from __future__ import annotations

import json

from rgpd_check.gate.formats.common import RULE_PREFIX, flagged
from rgpd_check.gate.result import FAIL, GateResult, fingerprint

SEVERITIES = {FAIL: "major", "warn": "minor"}


def render_codequality(result: GateResult) -> str:
    display = result.approved.display
    issues = []
    for item, reason in flagged(result):
        issues.append(
            {
                "description": f"{item.name} [{item.tool.id}] : {reason.both()}",
                "check_name": RULE_PREFIX + reason.code,
                "fingerprint": fingerprint(display, item.tool.id, reason),
                "severity": SEVERITIES[reason.severity],
                "location": {"path": display, "lines": {"begin": item.tool.line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
