"""The one error the reader raises for a document it cannot read."""

from __future__ import annotations


class UnreadableDocument(Exception):
    """The document cannot be read (scanned PDF, encrypted, corrupt, unsupported format).

    Its ``reason`` is French first, then English, ready to show to a DPO. A caller must
    report "cannot read", never "nothing found".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
