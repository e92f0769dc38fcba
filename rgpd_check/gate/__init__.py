"""The CI gate for an academy's approved-tools list (``rgpd-check ci``).

``loader`` reads and checks the list (``file:line:col`` errors), ``evaluation`` gets a
current report per tool (offline re-evaluation or live re-audit), ``observe`` + ``checks``
compare it with the accepted level and the pinned baseline, ``pin`` writes baselines, and
``formats`` renders the result for people and CI systems.
"""

from rgpd_check.gate.loader import ApprovedListError, load_approved, parse_approved
from rgpd_check.gate.model import ApprovedList, ApprovedTool, Baseline, Waiver
from rgpd_check.gate.options import GateOptions
from rgpd_check.gate.pin import PinOutcome, pin
from rgpd_check.gate.result import GateResult, Reason, ToolResult
from rgpd_check.gate.run import run_gate

__all__ = [
    "ApprovedList",
    "ApprovedListError",
    "ApprovedTool",
    "Baseline",
    "GateOptions",
    "GateResult",
    "PinOutcome",
    "Reason",
    "ToolResult",
    "Waiver",
    "load_approved",
    "parse_approved",
    "pin",
    "run_gate",
]
