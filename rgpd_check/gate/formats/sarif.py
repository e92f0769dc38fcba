"""SARIF 2.1.0 (OASIS): one result per failure or warning, at the tool's line of the list.

GitHub code scanning and other SARIF viewers read it. ``partialFingerprints`` carry the same
line-independent fingerprint as the Code Quality report, so results are matched across runs.
"""

from __future__ import annotations

import json
from typing import Any

from rgpd_check import __version__
from rgpd_check.gate.codes import describe
from rgpd_check.gate.formats.common import RULE_PREFIX, TOOL_NAME, flagged
from rgpd_check.gate.result import FAIL, GateResult, fingerprint

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {FAIL: "error", "warn": "warning"}
FINGERPRINT_KEY = "rgpdCheckCi/v1"


def _rule(code: str) -> dict[str, Any]:
    text = describe(code)
    return {
        "id": RULE_PREFIX + code,
        "name": "".join(part.capitalize() for part in code.split("-")),
        "shortDescription": {"text": f"{text['fr']} / {text['en']}"},
        "properties": {"tags": ["rgpd", "gdpr", "approved-tools"]},
    }


def render_sarif(result: GateResult) -> str:
    display = result.approved.display
    items = flagged(result)
    codes = sorted({reason.code for _, reason in items})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for item, reason in items:
        results.append(
            {
                "ruleId": RULE_PREFIX + reason.code,
                "ruleIndex": index[reason.code],
                "level": LEVELS[reason.severity],
                "message": {
                    "text": f"{item.name} [{item.tool.id}] ({display}:{reason.line}):"
                    f" {reason.both()}"
                },
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": display, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": item.tool.line},
                        },
                        "logicalLocations": [
                            {"name": item.tool.id, "fullyQualifiedName": f"tools/{item.tool.id}"}
                        ],
                    }
                ],
                "partialFingerprints": {
                    FINGERPRINT_KEY: fingerprint(display, item.tool.id, reason)
                },
                "properties": {
                    "tool": item.tool.id,
                    "subject": reason.subject,
                    "listLine": reason.line,
                    "level": item.level_with_waivers,
                    "acceptedLevel": item.tool.accepted_level,
                },
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "automationDetails": {"id": f"rgpd-check-ci/{display}/"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "exitCode": result.exit_code,
                        "properties": {
                            "mode": result.mode,
                            "strict": result.strict,
                            "today": result.today.isoformat(),
                            "rulesVersion": result.rules_version,
                        },
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
