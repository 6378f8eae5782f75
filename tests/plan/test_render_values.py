"""The text plan shows each value as json.dumps writes it, whichever way it gets there."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from manikit.plan.render.text import _leaves, _show

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
)


@given(VALUES)
def test_a_value_is_shown_as_json_dumps_writes_it(value: Any) -> None:
    assert _show(value) == json.dumps(value, separators=(", ", ": "), default=str)


def test_leaves_in_document_order_with_lists_of_objects_as_path_levels() -> None:
    node = {
        "a": {"b": 1, "c": [], "d": {}},
        "ports": [{"name": "http", "port": 80}, {"port": 81}],
        "args": ["x", "y"],
    }
    assert _leaves(node) == [
        ("a.b", 1),
        ("a.c", []),
        ("a.d", {}),
        ("ports[name=http].name", "http"),
        ("ports[name=http].port", 80),
        ("ports[1].port", 81),
        ("args", ["x", "y"]),
    ]
    assert _leaves({}) == [("", {})] and _leaves("s") == [("", "s")]
