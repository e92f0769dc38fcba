"""WARC records of HTTP exchanges, written by hand from httpx's raw stream.

warcio's ``capture_http`` does not see httpx traffic, so request and response records are
built here. Bodies are stored as received (still content-encoded); a body cut at the size
cap carries the standard ``WARC-Truncated: length`` header.
"""

from __future__ import annotations

import io
import os
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rgpd_check.evidence.redact import Redactor

# Headers describing the transfer rather than the content: the stored body is already
# de-chunked, so these are renamed to keep the record self-consistent for WARC readers.
_TRANSFER_HEADERS = {"transfer-encoding"}
ORIGINAL_PREFIX = "X-Rgpd-Check-Original-"
TLS_HEADER = "WARC-Rgpd-Check-TLS-Version"  # extension field: the negotiated TLS version
_GZIP_LEVEL = 6
# Written again by warcio for a rebuilt record.
_RECOMPUTED = {"WARC-Payload-Digest", "WARC-Block-Digest", "Content-Length", "Content-Type"}
REDACTED_HEADER = "WARC-Rgpd-Check-Redacted"  # extension field: headers whose secrets were masked


@dataclass(frozen=True)
class HttpRecord:
    """A response read back from the archive."""

    record_id: str
    url: str
    date: str
    ip: str | None
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    concurrent_request_id: str | None
    tls_version: str | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]


class WarcLog:
    """Appends gzip-per-record WARC records and flushes each one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = path.open("ab")
        # warcio formats each record into a buffer and we gzip it as one member: warcio's own
        # gzip uses level 9, twice the CPU of level 6 for the same size on HTML.
        self._buffer = io.BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False)
        if path.stat().st_size == 0:
            info = self._writer.create_warcinfo_record(
                path.name, {"software": "rgpd-check", "format": "WARC File Format 1.1"}
            )
            self._write(info)

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: Sequence[tuple[str, str]],
        http_version: str,
        status: int,
        reason: str,
        response_headers: Sequence[tuple[str, str]],
        body: bytes,
        ip: str | None,
        truncated: bool,
        tls_version: str | None = None,
        date: datetime | None = None,
        request_body: bytes = b"",
        redacted: Sequence[str] = (),
    ) -> tuple[str, str]:
        """Write the request then the response; returns (request_id, response_id).

        ``redacted`` says which parts had secret values masked before they got here (``url``,
        ``request-headers``, ``request-body``, ``response-headers``, ``response-body``; see
        ``evidence/redact.py``): both records carry it, for whoever replays them.
        """
        when = (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        path = _request_target(url)
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(
                f"{method} {path} HTTP/1.1", list(request_headers), is_http_request=True
            ),
            warc_headers_dict=_warc_headers(when, ip, redacted),
        )
        request_id = request.rec_headers.get_header("WARC-Record-ID")
        headers = [
            (ORIGINAL_PREFIX + key if key.lower() in _TRANSFER_HEADERS else key, value)
            for key, value in response_headers
        ]
        warc_headers = _warc_headers(when, ip, redacted)
        warc_headers["WARC-Concurrent-To"] = request_id
        if truncated:
            warc_headers["WARC-Truncated"] = "length"
        if tls_version:
            warc_headers[TLS_HEADER] = tls_version
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                f"{status} {reason or 'Unknown'}", headers, protocol=f"{http_version}"
            ),
            warc_headers_dict=warc_headers,
        )
        self._write(request)
        self._write(response)
        return request_id, response.rec_headers.get_header("WARC-Record-ID")

    def _write(self, record: object) -> None:
        if self._handle is None:
            raise ValueError(f"{self.path} is closed")
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        member = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self._handle.write(member.compress(self._buffer.getvalue()) + member.flush())
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def mask(self, redactor: Redactor) -> int:
        """Mask, in the records written so far, the secrets ``redactor`` knows now (a value
        learnt after its record was written); returns how many records changed.

        A record without any is copied byte for byte; one with some is written again with the
        same WARC-Record-ID, date and address, new digests, and the masked parts named.
        Appending goes on afterwards. Synchronous: no other write can interleave.
        """
        if self._handle is None:
            raise ValueError(f"{self.path} is closed")
        self._handle.close()
        changed = 0
        writer = WARCWriter(self._buffer, gzip=False)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:  # one record in memory at a time: a WARC can be large
            with (
                os.fdopen(handle, "wb") as target,
                self.path.open("rb") as source,
                self.path.open("rb") as verbatim,
            ):
                records = ArchiveIterator(source)
                for record in records:
                    rebuilt = self._masked(record, redactor, writer)
                    if rebuilt is None:
                        verbatim.seek(records.get_record_offset())
                        target.write(verbatim.read(records.get_record_length()))
                        continue
                    member = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
                    target.write(member.compress(rebuilt) + member.flush())
                    changed += 1
            if changed:
                os.replace(temporary, self.path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
            self._handle = self.path.open("ab")
        return changed

    def _masked(self, record: Any, redactor: Redactor, writer: WARCWriter) -> bytes | None:
        """The record written again with secrets masked, or None when it holds none."""
        if record.rec_type not in ("request", "response") or record.http_headers is None:
            record.raw_stream.read()
            return None
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        http = record.http_headers
        body = record.raw_stream.read()
        if record.rec_type == "request":
            masked_url, headers, masked_body, parts = redactor.request_copy(url, http.headers, body)
            line = redactor.scrub_url(http.statusline)  # "/path?query HTTP/1.1"
            parts += ["url"] if line != http.statusline and "url" not in parts else []
            status = StatusAndHeaders(f"{http.protocol} {line}", headers, is_http_request=True)
        else:
            masked_url, headers, masked_body, parts = redactor.response_copy(
                url, http.headers, body
            )
            status = StatusAndHeaders(http.statusline, headers, protocol=http.protocol)
        if not parts:
            return None
        kept = [
            (k, v)
            for k, v in record.rec_headers.headers
            if k not in _RECOMPUTED and k != "WARC-Target-URI"
        ]
        warc_headers = dict(kept)
        before = [p for p in (warc_headers.get(REDACTED_HEADER) or "").split(", ") if p]
        warc_headers[REDACTED_HEADER] = ", ".join(dict.fromkeys(before + parts))
        rebuilt = writer.create_warc_record(
            masked_url,
            record.rec_type,
            payload=io.BytesIO(masked_body),
            length=len(masked_body),
            http_headers=status,
            warc_headers_dict=warc_headers,
        )
        self._buffer.seek(0)
        self._buffer.truncate()
        writer.write_record(rebuilt)
        return self._buffer.getvalue()


def _warc_headers(when: str, ip: str | None, redacted: Sequence[str] = ()) -> dict[str, str]:
    headers = {"WARC-Date": when}
    if ip:
        headers["WARC-IP-Address"] = ip
    if redacted:
        headers[REDACTED_HEADER] = ", ".join(redacted)
    return headers


def _request_target(url: str) -> str:
    after_scheme = url.split("://", 1)[-1]
    slash = after_scheme.find("/")
    return after_scheme[slash:] if slash >= 0 else "/"


def read_responses(path: Path) -> Iterator[HttpRecord]:
    """Every response record, in order; stops quietly at a torn final record."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                headers = tuple(
                    (k[len(ORIGINAL_PREFIX) :] if k.startswith(ORIGINAL_PREFIX) else k, v)
                    for k, v in http.headers
                )
                status_line = http.statusline.split(" ", 1)
                yield HttpRecord(
                    record_id=record.rec_headers.get_header("WARC-Record-ID"),
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    date=record.rec_headers.get_header("WARC-Date"),
                    ip=record.rec_headers.get_header("WARC-IP-Address"),
                    status=int(status_line[0]),
                    reason=status_line[1] if len(status_line) > 1 else "",
                    headers=headers,
                    body=record.raw_stream.read(),
                    truncated=record.rec_headers.get_header("WARC-Truncated") is not None,
                    concurrent_request_id=record.rec_headers.get_header("WARC-Concurrent-To"),
                    tls_version=record.rec_headers.get_header(TLS_HEADER),
                )
        except Exception:  # noqa: BLE001 - a torn gzip member ends the readable part
            return


def check_digests(path: Path) -> list[str]:
    """Problems found by re-reading every record with digest checks (empty when intact)."""
    problems: list[str] = []
    count = 0
    try:
        with path.open("rb") as handle:
            iterator = ArchiveIterator(handle, check_digests=True)
            for record in iterator:
                record.content_stream().read()
                count += 1
                digest_problem = getattr(record, "digest_checker", None)
                if digest_problem is not None and digest_problem.problems:
                    problems.extend(
                        f"{path.name}: record {count}: {problem}"
                        for problem in digest_problem.problems
                    )
    except Exception as exc:  # noqa: BLE001 - any parse failure is a problem to report
        problems.append(f"{path.name}: unreadable after record {count}: {str(exc)[:120]}")
    return problems
