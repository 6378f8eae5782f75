"""How bodies, notes and records are written as JSON text: compact, non-ASCII kept, by orjson.

orjson writes the same text as ``json`` with ``separators=(",", ":"), ensure_ascii=False`` for the
JSON trees a control plane holds (a float's exponent may be spelled ``1e-7`` for ``1e-07``: the same
number), about ten times faster (a pod body: 7 us instead of 80 us), which
is most of a write's cost. What orjson refuses (integers beyond 64 bits, non-string keys) is written
by ``json`` as before, and a NaN is written as ``null`` (``json`` wrote ``NaN``, which is not JSON and
SQLite's JSON functions reject). Text is read back by orjson too (a 10,000-object list: 0.3 s instead
of 2 s), except text that may hold an integer of 19 digits or more, which orjson would read beyond 64
bits as a float, and text orjson refuses (``NaN`` an older manikit wrote, a lone surrogate): ``json``
reads those.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_fallback = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: a value orjson does not write
        return _fallback(value)


#: every ASCII digit as ``0``: a run of 19 digits is then a run of 19 zeros, which ``in`` finds at
#: memory-search speed (a regular expression took longer than orjson's whole decode: 77 us a body)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def may_hold_long_integer(text: str | bytes) -> bool:
    """Whether ``text`` has a run of 19 digits or more anywhere: every integer literal orjson could
    misread has one (a string with one, or a long fraction, only costs the json path)."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _NINETEEN_DIGITS in raw.translate(_DIGITS_AS_ZERO)


def loads(text: str | bytes) -> Any:
    if may_hold_long_integer(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
