"""``browser.jsonl``: one line per thing the browser did or held, in the order it happened.

Analysis (``analyze/browser_facts.py``) rebuilds every browser fact from these lines, so each
line carries what a fact needs (phase, page, frame) and a sequence number that evidence
references point to (``browser.jsonl#<seq>``).
"""

from __future__ import annotations

import itertools
from typing import Any

from rgpd_check.evidence.bundle import BundleWriter, now_iso
from rgpd_check.evidence.redact import Redactor

BROWSER_LOG = "browser.jsonl"
MAX_TEXT = 16 * 1024

# Phases of a visit: what the pupil's browser does on its own, then our probes.
PHASE_LOAD = "before_consent"
PHASE_KEYLOG = "keylog_probe"
PHASE_REFUSED = "after_refusal"


class BrowserLog:
    """Writes browser events; ``phase`` and ``visit`` are stamped on every line."""

    def __init__(self, bundle: BundleWriter) -> None:
        self._log = bundle.log(BROWSER_LOG)
        self._seq = itertools.count(1)
        self.phase = PHASE_LOAD
        self.visit = ""
        # A logged-in audit's secrets (evidence/redact.py): masked in every record.
        self.redactor: Redactor | None = None

    def write(self, kind: str, **fields: Any) -> int:
        seq = next(self._seq)
        entry = {"seq": seq, "kind": kind, "at": now_iso(), "phase": self.phase}
        if self.visit:
            entry["visit"] = self.visit
        if self.redactor is not None:
            fields = self.redactor.scrub_record(fields)
            if self.visit:
                entry["visit"] = self.redactor.scrub(self.visit)
        entry.update(fields)
        self._log.write(entry)
        return seq

    def finish(self) -> None:
        """Mask, in every record written so far, the secrets learnt since (a token met in a
        later request); the log stays open for what follows."""
        if self.redactor is not None:
            self._log.rewrite(self.redactor.scrub_record)


def clip(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """Keep evidence lines bounded; the WARC holds the full bodies."""
    if text is None:
        return None
    return text if len(text) <= limit else text[:limit]
