"""``rgpd-check diff OLD NEW``: what changed between two audits of the same tool.

>>> from rgpd_check.diff import compare, load_report, render_diff
>>> print(render_diff(compare(load_report(old_dir), load_report(new_dir)), "md", "fr"))
"""

from rgpd_check.diff.compare import compare, load_report
from rgpd_check.diff.formats import DIFF_FORMATS, render_diff
from rgpd_check.diff.model import AuditDiff, DocumentChange, FindingChange, LevelChange, ListChange

__all__ = [
    "DIFF_FORMATS",
    "AuditDiff",
    "DocumentChange",
    "FindingChange",
    "LevelChange",
    "ListChange",
    "compare",
    "load_report",
    "render_diff",
]
