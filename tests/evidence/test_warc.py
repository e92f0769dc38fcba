"""WARC records written by hand: one gzip member per record, readable by warcio."""

from __future__ import annotations

import zlib
from pathlib import Path

from rgpd_check.evidence.redact import Redactor
from rgpd_check.evidence.warc import REDACTED_HEADER, WarcLog, check_digests, read_responses


def _inflate_all(data: bytes) -> list[bytes]:
    """Each gzip member of ``data``, inflated (each WARC record must be its own member)."""
    members = []
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        members.append(inflater.decompress(data))
        assert inflater.eof, "a truncated gzip member"
        data = inflater.unused_data
    return members


def test_each_record_is_its_own_gzip_member_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "http.warc.gz"
    log = WarcLog(path)
    bodies = [b"<html>" + bytes([65 + i]) * 50_000 + b"</html>" for i in range(2)]
    for index, body in enumerate(bodies):
        log.write_exchange(
            url=f"https://outil.test/{index}", method="GET",
            request_headers=[("Host", "outil.test")], http_version="HTTP/1.1", status=200,
            reason="OK", response_headers=[("Content-Type", "text/html")], body=body,
            ip="192.0.2.1", truncated=False, redacted=["request-headers"] if index else (),
        )  # fmt: skip
    log.close()
    members = _inflate_all(path.read_bytes())
    assert len(members) == 1 + 2 * len(bodies)  # warcinfo, then a request and a response each
    records = list(read_responses(path))
    assert [r.body for r in records] == bodies
    assert check_digests(path) == []
    field = f"{REDACTED_HEADER}: request-headers".encode()
    assert b"".join(members).count(field) == 2  # on the request and on the response



def test_secrets_learnt_later_are_masked_in_the_records_already_written(tmp_path: Path) -> None:
    path = tmp_path / "http.warc.gz"
    log = WarcLog(path)

    def exchange(url: str, body: bytes) -> tuple[str, str]:
        return log.write_exchange(
            url=url, method="GET", request_headers=[("Host", "ent.test")],
            http_version="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Content-Type", "application/json")], body=body,
            ip="192.0.2.1", truncated=False,
        )  # fmt: skip

    plain = exchange("https://ent.test/plain", b'{"ok": true}')
    issued = exchange("https://ent.test/token?t=late-token-0042", b'{"token": "late-token-0042"}')
    before = _inflate_all(path.read_bytes())
    redactor = Redactor()
    redactor.learn("late-token-0042")  # the page stores it under a saved key, later
    assert log.mask(redactor) == 2  # the request (its URL) and the response (URL and body)
    exchange("https://ent.test/after", b"{}")  # appending goes on
    log.close()
    after = _inflate_all(path.read_bytes())
    text = b"".join(after)
    assert b"late-token-0042" not in text and b"%3Csecret%3E" in text and b"<secret>" in text
    assert after[:3] == before[:3], "records without a secret are copied byte for byte"
    assert check_digests(path) == []
    records = {r.record_id: r for r in read_responses(path)}
    assert plain[1] in records and issued[1] in records  # same record ids
    assert records[issued[1]].body == b'{"token": "<secret>"}'
    assert f"{REDACTED_HEADER}: url, response-body".encode() in text
