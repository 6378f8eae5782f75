"""The store's JSON text: orjson's, byte for byte what ``json`` wrote, with ``json`` where orjson refuses."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from manikit.runtime.store import codec

_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
)


@given(TREES)
def test_the_text_is_what_json_writes(value: Any) -> None:
    assert codec.dumps(value) == _json(value)
    assert codec.loads(codec.dumps(value)) == value


def test_non_ascii_and_floats_are_written_as_json_writes_them() -> None:
    body = {"metadata": {"name": "café", "annotations": {"note": '日本 \u2028 "q"'}}, "f": [0.1, 1.5, -2.0]}
    assert codec.dumps(body) == _json(body)


def test_what_orjson_refuses_is_written_by_json() -> None:
    big = {"value": 2**70, "small": -(2**65)}
    assert codec.dumps(big) == '{"value":1180591620717411303424,"small":-36893488147419103232}'
    assert codec.loads(codec.dumps(big)) == big  # read back exactly, not as a float
    assert codec.dumps({1: "a"}) == '{"1":"a"}'


def test_text_orjson_would_misread_or_refuse_is_read_by_json() -> None:
    assert codec.loads('{"a":9223372036854775808}') == {"a": 2**63}  # not 9.223372036854776e18
    assert codec.loads('{"a":[1,-12345678901234567890]}') == {"a": [1, -12345678901234567890]}
    assert codec.loads('{"a":NaN}')["a"] != codec.loads('{"a":NaN}')["a"]  # json's NaN, as before
    assert codec.loads('{"s":"12345678901234567890"}') == {"s": "12345678901234567890"}
    assert codec.loads('{"s":"\\ud800"}') == {"s": "\ud800"}
    assert codec.loads(b'{"n":1.5}') == {"n": 1.5}


@given(st.text(alphabet='0123456789 ,:[]-"a.é\ud800', max_size=60))
def test_the_long_integer_check_is_a_run_of_nineteen_digits(text: str) -> None:
    longest = max(
        (len(run) for run in "".join(c if c.isascii() and c.isdigit() else " " for c in text).split()),
        default=0,
    )
    assert codec.may_hold_long_integer(text) is (longest >= 19)
    assert codec.may_hold_long_integer(text.encode("utf-8", "surrogatepass")) is (longest >= 19)


def test_eighteen_digits_are_read_by_orjson_and_nineteen_by_json() -> None:
    assert not codec.may_hold_long_integer('{"a":123456789012345678,"t":"2026-11-30T12:00:00Z"}')
    assert codec.may_hold_long_integer('{"a":1234567890123456789}')
    assert codec.may_hold_long_integer(b'{"a":[-1234567890123456789]}')
