"""The gate's outputs, each rendered from a :class:`~rgpd_check.gate.result.GateResult`.

``console`` (people), ``junit`` (one test case per tool), ``codequality`` (GitLab),
``sarif`` (SARIF 2.1.0, e.g. GitHub code scanning), ``markdown`` (merge-request comment or
``$GITHUB_STEP_SUMMARY``).
"""

from rgpd_check.gate.formats.codequality import render_codequality
from rgpd_check.gate.formats.console import render_console
from rgpd_check.gate.formats.junit import render_junit
from rgpd_check.gate.formats.markdown import render_markdown
from rgpd_check.gate.formats.sarif import render_sarif

__all__ = [
    "render_codequality",
    "render_console",
    "render_junit",
    "render_markdown",
    "render_sarif",
]
