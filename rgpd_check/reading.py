"""``rgpd-check read``: one document from a file or a URL, through the same reader as audits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from rgpd_check.collect.net import NetClient, NetOptions
from rgpd_check.collect.resolver import Resolver
from rgpd_check.errors import InputError
from rgpd_check.evidence.content import decode_content

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def read_source(source: str, net_options: NetOptions | None = None) -> dict[str, Any]:
    """Signals of a document; raises InputError (exit 2) when it cannot be read at all."""
    from rgpd_check.analyze.documents.extract import UnreadableDocument
    from rgpd_check.analyze.documents.read import read_document

    if urlsplit(source).scheme in ("http", "https"):
        data, content_type, url = asyncio.run(_download(source, net_options or NetOptions()))
        filename = urlsplit(url).path.rsplit("/", 1)[-1] or None
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: fichier introuvable / file not found")
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(
                f"{source}: fichier trop gros / file too large (> {MAX_DOCUMENT_BYTES} bytes)"
            )
        data, content_type, url, filename = path.read_bytes(), None, None, path.name
    try:
        result: dict[str, Any] = read_document(
            data, content_type=content_type, filename=filename, url=url
        )
    except UnreadableDocument as exc:
        raise InputError(f"{source}: illisible / cannot read: {exc}") from None
    return result


async def _download(url: str, options: NetOptions) -> tuple[bytes, str | None, str]:
    net = NetClient(
        NetOptions(**{**options.__dict__, "max_bytes": MAX_DOCUMENT_BYTES}),
        Resolver(server=options.dns_server),
        None,
    )
    try:
        for _ in range(10):
            result = await net.fetch(url)
            location = result.header("location")
            if result.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            break
    finally:
        await net.aclose()
    if result.status is None or result.error:
        raise InputError(f"{url}: {result.error}: {result.error_detail}")
    if result.status >= 400:
        raise InputError(f"{url}: HTTP {result.status}")
    if result.truncated:
        raise InputError(f"{url}: document trop gros / document too large")
    body, problem = decode_content(result.body, result.header("content-encoding"))
    if problem:
        raise InputError(f"{url}: {problem}")
    return body, result.header("content-type"), url
