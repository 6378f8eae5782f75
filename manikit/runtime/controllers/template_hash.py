"""The pod-template-hash: FNV-1a 32 over a template's canonical JSON, encoded as Kubernetes'
SafeEncodeString does. Kubernetes hashes its Go printing of the object; the value differs, the shape
and the stability (same template, same name) are the same.

The value names ReplicaSets and pods in every state ever written, so it never changes: the JSON is
``json.dumps(template, sort_keys=True, separators=(",", ":"))`` byte for byte (orjson writes it when
it provably writes the same bytes) and the hash is the byte loop's (numpy runs it over many
templates at once, column by column, for the first pass over thousands of Deployments).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_OFFSET = 0x811C9DC5
_PRIME = 0x01000193
#: below this many templates the byte loop in Python is as quick as numpy's set-up
BATCH_MIN = 16
#: templates hashed together: as many as make a byte matrix of at most this size (at least one); every
#: batch costs a numpy step per byte of its longest template, so the fewer the better
BATCH_BYTES = 16 << 20
#: hashes remembered (by the JSON they were computed from); every pass asks for every Deployment's
_REMEMBERED = 16_384
_known: dict[bytes, str] = {}

# What makes orjson's text differ from json.dumps' (ensure_ascii, repr of floats, NaN): a byte outside
# printable ASCII (json escapes it), a float (a number with "." or an exponent, then a delimiter) or a
# null (orjson's NaN). Matched anywhere, strings included: a false match only costs the json path.
_PRINTABLE = bytes(range(0x20, 0x7F))
_FLOAT = re.compile(rb"[:,\[]-?[0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)[,\]}]")
#: each byte's class for ``_has_float``: a digit is 0, a point or an exponent's letter ".", the rest "x"
_CLASSES = bytes(
    ord("0") if chr(byte).isdecimal() and byte < 0x80 else ord(".") if chr(byte) in ".eE" else ord("x")
    for byte in range(256)
)
_reference = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def encode(template: dict[str, Any], collision_count: int = 0) -> bytes:
    """The bytes hashed: the template's canonical JSON (then the collision count, if any)."""
    try:
        data = orjson.dumps(template, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: non-string keys, integers beyond 64 bits
        data = b"\x80"  # not plain: the json path below
    if data.translate(None, _PRINTABLE) or b"null" in data or _has_float(data):
        data = _reference(template).encode()
    if collision_count:
        data += str(collision_count).encode()
    return data


def _has_float(data: bytes) -> bool:
    """Whether ``data`` (JSON) may hold a float, as ``_FLOAT`` tells, but looked for outside its
    strings only (inside, it matches only falsely: an image's tag), where every digit is a number's:
    a digit followed by a point or an exponent is a float's. Without a backslash a quote always
    delimits a string, so a place is outside every string when an even number of quotes precede it."""
    if b"\\" in data:
        return _FLOAT.search(data) is not None
    classes = data.translate(_CLASSES)
    at = classes.find(b"0.")
    while at != -1:
        if data.count(b'"', 0, at) % 2 == 0:
            return True
        at = classes.find(b"0.", at + 1)
    return False


def template_hash(template: dict[str, Any], collision_count: int = 0) -> str:
    return template_hashes([template], collision_count)[0]


def template_hashes(templates: Sequence[dict[str, Any]], collision_count: int = 0) -> list[str]:
    """``template_hash`` of each template, the new ones computed together."""
    datas = [encode(t, collision_count) for t in templates]
    missing = list(dict.fromkeys(d for d in datas if d not in _known))
    if missing:
        values = _fnv_many(missing) if len(missing) >= BATCH_MIN else [fnv1a_32(d) for d in missing]
        if len(_known) + len(missing) > _REMEMBERED:
            _known.clear()
        for data, value in zip(missing, values, strict=True):
            _known[data] = _safe_encode(value)
    return [_known[d] if d in _known else fnv_encoded(d) for d in datas]


def fnv1a_32(data: bytes) -> int:
    """FNV-1a, 32 bits, one byte at a time (four a step, masked once: XOR with a byte touches only
    the low bits, so the value is the same modulo 2**32 as masking after every byte)."""
    value, prime = _OFFSET, _PRIME
    bytes_ = iter(data)
    for b0, b1, b2, b3 in zip(bytes_, bytes_, bytes_, bytes_, strict=False):  # the tail below
        value = (((((((value ^ b0) * prime) ^ b1) * prime ^ b2) * prime) ^ b3) * prime) & 0xFFFFFFFF
    for byte in data[len(data) - len(data) % 4 :]:
        value = ((value ^ byte) * prime) & 0xFFFFFFFF
    return value


def _fnv_many(datas: list[bytes]) -> list[int]:
    """``fnv1a_32`` of each, in batches of rows sorted longest first: column c of the byte matrix
    is hashed into the rows still that long (a prefix), with numpy's wrapping uint32 arithmetic."""
    values = [0] * len(datas)
    order = sorted(range(len(datas)), key=lambda i: -len(datas[i]))
    start = 0
    while start < len(order):
        taken = max(1, BATCH_BYTES // max(1, len(datas[order[start]])))  # the longest comes first
        rows = order[start : start + taken]
        start += taken
        lengths = [len(datas[i]) for i in rows]
        matrix = np.zeros((lengths[0], len(rows)), dtype=np.uint8)  # column-major: one byte a row
        for row, i in enumerate(rows):
            matrix[: lengths[row], row] = np.frombuffer(datas[i], dtype=np.uint8)
        hashes = np.full(len(rows), _OFFSET, dtype=np.uint32)
        prime = np.uint32(_PRIME)
        ascending = np.array(lengths[::-1])
        longer = len(rows) - np.searchsorted(ascending, np.arange(lengths[0]), side="right")
        for column, count in enumerate(longer.tolist()):
            part = hashes[:count]
            part ^= matrix[column, :count]
            part *= prime
        for row, i in enumerate(rows):
            values[i] = int(hashes[row])
    return values


def fnv_encoded(data: bytes) -> str:
    """The hash of ``data`` as it names objects."""
    return _safe_encode(fnv1a_32(data))


def _safe_encode(value: int) -> str:
    return "".join(ALPHANUMS[ord(ch) % len(ALPHANUMS)] for ch in str(value))
