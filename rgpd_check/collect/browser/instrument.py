"""Who wrote each cookie and storage entry: a small script installed in every frame.

It wraps ``document.cookie``, ``Storage.setItem`` and ``cookieStore.set`` before any page
script runs and reports each write with the JavaScript stack, so a cookie can be attributed
to the script that set it (the EDPS collector and Blacklight do the same).
"""

from __future__ import annotations

import re
from typing import Any

from rgpd_check.analyze.domains import host_of
from rgpd_check.collect.browser.js import load_js
from rgpd_check.collect.browser.record import BrowserLog, clip

BINDING = "__rgpdCheckReport"

INIT_SCRIPT = load_js("instrument.js")

_STACK_URL = re.compile(r"(https?://[^\s()]+?):\d+:\d+")


def script_from_stack(stack: str) -> str | None:
    """The first script URL of a JavaScript stack (our own wrapper frames are anonymous)."""
    for line in stack.splitlines()[1:]:
        match = _STACK_URL.search(line)
        if match:
            return match.group(1)
    return None


class Instrumentation:
    """Receives the reports of :data:`INIT_SCRIPT` and writes them to the browser log."""

    def __init__(self, log: BrowserLog) -> None:
        self.log = log

    def report(self, source: dict[str, Any], data: Any) -> None:
        if not isinstance(data, dict) or data.get("kind") not in ("cookie_write", "storage_write"):
            return
        frame = source.get("frame")
        stack = str(data.get("stack") or "")
        fields: dict[str, Any] = {
            "frame_url": getattr(frame, "url", None),
            "script": script_from_stack(stack),
            "stack": clip(stack, 2000),
        }
        value = str(data.get("value"))
        redactor = self.log.redactor
        frame_url = str(fields["frame_url"] or "")
        if data["kind"] == "cookie_write":
            if redactor is not None:  # a saved login's cookie renewed by a script
                value = redactor.set_cookie(frame_url, value)
            fields.update(api=str(data.get("api")), value=clip(value, 1000))
        else:
            key = str(data.get("key"))
            if redactor is not None:  # a saved login's storage renewed by a script
                value = redactor.storage_value(host_of(frame_url), key, value)
            fields.update(
                storage=str(data.get("storage")), key=clip(key, 300), value=clip(value, 1000)
            )
        self.log.write(str(data["kind"]), **fields)
