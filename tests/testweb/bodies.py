"""Lazily generated response bodies for the size-related faults (nothing big in memory)."""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Iterator

MIB = 1 << 20
CHUNK = 64 * 1024
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final, empty, fixed-Huffman deflate block


@functools.lru_cache(maxsize=8)
def _deflated_zeros(length: int) -> bytes:
    """Raw deflate of ``length`` zero bytes from a fresh compressor, ending byte-aligned.

    Segments made this way never refer to earlier data, so they can be concatenated into
    one valid deflate stream: the bomb repeats the 1 MiB segment instead of compressing
    a gigabyte.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(bytes(length)) + comp.flush(zlib.Z_FULL_FLUSH)


@functools.lru_cache(maxsize=8)
def _crc32_of_zeros(size: int) -> int:
    block = bytes(MIB)
    crc = 0
    full, rest = divmod(size, MIB)
    for _ in range(full):
        crc = zlib.crc32(block, crc)
    return zlib.crc32(bytes(rest), crc)


class GzipBomb:
    """A gzip body that inflates to ``size`` zero bytes (about size/1000 on the wire)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._full, self._rest = divmod(size, MIB)

    @property
    def content_length(self) -> int:
        rest = len(_deflated_zeros(self._rest)) if self._rest else 0
        return (
            len(_GZIP_HEADER)
            + self._full * len(_deflated_zeros(MIB))
            + rest
            + len(_FINAL_EMPTY_BLOCK)
            + 8
        )

    def chunks(self) -> Iterator[bytes]:
        yield _GZIP_HEADER
        block = _deflated_zeros(MIB)
        per_chunk = max(1, CHUNK // len(block))
        sent = 0
        while sent < self._full:
            count = min(per_chunk, self._full - sent)
            yield block * count
            sent += count
        if self._rest:
            yield _deflated_zeros(self._rest)
        # The CRC is only computed if a client really reads the whole thing.
        trailer = struct.pack("<II", _crc32_of_zeros(self.size), self.size & 0xFFFFFFFF)
        yield _FINAL_EMPTY_BLOCK + trailer


def repeated(pattern: bytes, size: int) -> Iterator[bytes]:
    """``size`` bytes made of ``pattern`` repeated, in chunks of about 64 KiB."""
    pattern = pattern or b"x"
    chunk = pattern * max(1, CHUNK // len(pattern))
    remaining = size
    while remaining > 0:
        piece = chunk[:remaining]
        yield piece
        remaining -= len(piece)


FILLER = b"<p>testweb filler / remplissage</p>\n"
