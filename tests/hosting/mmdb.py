"""A minimal MaxMind DB (``.mmdb``) writer, so tests need no extra package or download.

Format: https://maxmind.github.io/MaxMind-DB/ — a binary search tree over 128 bits (IPv4
networks live under ``::/96``), 16 zero bytes, the data section, then the metadata marker and
map. Only what the fixtures need: maps, strings, unsigned integers and arrays.
"""

from __future__ import annotations

import ipaddress
import struct
from pathlib import Path
from typing import Any

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _control(type_id: int, size: int) -> bytes:
    if size < 29:
        head, extra = size, b""
    elif size < 285:
        head, extra = 29, bytes([size - 29])
    elif size < 65821:
        head, extra = 30, struct.pack(">H", size - 285)
    else:
        head, extra = 31, struct.pack(">I", size - 65821)[1:]
    if type_id <= 7:
        return bytes([(type_id << 5) | head]) + extra
    return bytes([head, type_id - 7]) + extra


def encode(value: Any) -> bytes:
    """Encode one value of the data section."""
    if isinstance(value, bool):
        return _control(14, int(value))
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _control(2, len(raw)) + raw
    if isinstance(value, int):
        if value < 0:
            raise ValueError("only unsigned integers")
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
        type_id = 6 if value < 2**32 else 9
        return _control(type_id, len(raw)) + raw
    if isinstance(value, dict):
        body = b"".join(encode(str(k)) + encode(v) for k, v in value.items())
        return _control(7, len(value)) + body
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(encode(v) for v in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _uint16(value: int) -> bytes:
    raw = value.to_bytes(2, "big").lstrip(b"\x00")
    return _control(5, len(raw)) + raw


def write_mmdb(
    path: Path,
    networks: dict[str, dict[str, Any]],
    *,
    database_type: str = "Test-ASN-Country",
    build_epoch: int = 1_735_689_600,  # 2025-01-01
) -> Path:
    """Write ``networks`` (disjoint CIDRs → record) as an IPv6 tree with 32-bit records."""
    nodes: list[list[Any]] = [[None, None]]
    data = b""
    offsets: dict[int, int] = {}
    for cidr, record in networks.items():
        network = ipaddress.ip_network(cidr)
        bits, length = int(network.network_address), network.prefixlen
        if network.version == 4:
            length += 96
        encoded = encode(record)
        key = id(record)
        if key not in offsets:
            offsets[key] = len(data)
            data += encoded
        node = 0
        for depth in range(length):
            bit = (bits >> (127 - depth if network.version == 6 else 31 - (depth - 96))) & 1
            if network.version == 4 and depth < 96:
                bit = 0
            child = nodes[node][bit]
            if depth == length - 1:
                if child is not None:
                    raise ValueError(f"{cidr} overlaps another network (not supported)")
                nodes[node][bit] = ("data", offsets[key])
                break
            if isinstance(child, tuple) and child[0] == "data":
                raise ValueError(f"{cidr} overlaps another network (not supported)")
            if child is None:
                nodes.append([None, None])
                nodes[node][bit] = ("node", len(nodes) - 1)
            node = nodes[node][bit][1]
    count = len(nodes)

    def record_value(item: Any) -> int:
        if item is None:
            return count
        kind, value = item
        return int(value) if kind == "node" else count + 16 + int(value)

    tree = b"".join(struct.pack(">II", record_value(a), record_value(b)) for a, b in nodes)
    metadata = (
        _control(7, 9)
        + encode("node_count")
        + encode(count)
        + encode("record_size")
        + _uint16(32)
        + encode("ip_version")
        + _uint16(6)
        + encode("database_type")
        + encode(database_type)
        + encode("languages")
        + encode(["en"])
        + encode("description")
        + encode({"en": "rgpd-check test database"})
        + encode("binary_format_major_version")
        + _uint16(2)
        + encode("binary_format_minor_version")
        + _uint16(0)
        + encode("build_epoch")
        + _control(9, 8)
        + build_epoch.to_bytes(8, "big")
    )
    path.write_bytes(tree + b"\x00" * 16 + data + METADATA_MARKER + metadata)
    return path
