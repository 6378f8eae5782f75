"""Just enough PNG reading (8-bit RGB or RGBA, as chromium writes screenshots) to tell a blank
picture from a page: the pixels, unfiltered."""

from __future__ import annotations

import struct
import zlib
from collections import Counter


def pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and every pixel (RGB) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat = 8, b""
    width = height = channels = 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unsupported PNG: depth {depth}, colour type {colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        rows.append(row)
        previous = row
    out = [tuple(row[x : x + 3]) for row in rows for x in range(0, stride, channels)]
    return width, height, out


def _unfilter(kind: int, row: bytearray, up: bytearray, bpp: int) -> bytearray:
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        above = up[i]
        corner = up[i - bpp] if i >= bpp else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + above) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + above) // 2) & 0xFF
        elif kind == 4:
            p = left + above - corner
            pa, pb, pc = abs(p - left), abs(p - above), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else above if pb <= pc else corner
            row[i] = (row[i] + pred) & 0xFF
    return row


def ink(data: bytes) -> tuple[float, int]:
    """The share of pixels that are not the background (the most common colour), and how many
    colours there are."""
    _, _, found = pixels(data)
    counts = Counter(found)
    background = counts.most_common(1)[0][1]
    return 1 - background / len(found), len(counts)
