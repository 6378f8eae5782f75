"""The C parser driving the builder's methods (events.py): the same documents and problems as the
event objects replayed, and ruamel's C module left as it was found, even when a parse stops."""

from __future__ import annotations

import math
from typing import Any

import pytest
from ruamel.yaml import YAML

from manikit.source import events
from manikit.source.yamlfast import MAX_DEPTH, load_yaml

CASES = [
    "a: 1\nb: [x, 'y', 2.5, yes, ~]\n",
    "a: &x {b: 1}\nc: *x\nd: &y [1, 2]\ne: *y\n",
    "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "spec:\n  selector: 1\n  selector: 2\n",
    "a: !!str 3\nb: !!int '4'\nc: ! plain\nd: !custom 5\n",
    "? [a, b]\n: 1\n",
    "a: *missing\n",
    "a: 1\n---\nb: [1,\n",
    "---\n---\nx: 1\n...\n%YAML 1.1\n---\ny: .nan\n",
    "- - - [1, {a: [b, {c: d}]}]\n",
    "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5),
    "metadata:\n  name: {{cell}}-etcd\n",
    "k: v\t\n",
    "",
]


def _plain(text: str, hooked: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    real = events.parse
    monkeypatch.setattr(events, "parse", lambda t, h: real(t, h, hooked=hooked))
    docs, problems = load_yaml(text, "f.yaml")
    monkeypatch.setattr(events, "parse", real)
    return [(d.index, repr(d.data), d.line) for d in docs], problems


@pytest.mark.skipif(not events.HOOKABLE, reason="this ruamel.yaml.clib is replayed, never hooked")
@pytest.mark.parametrize("text", CASES, ids=lambda t: repr(t)[:30])
def test_hooked_parse_builds_what_replayed_events_build(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    hooked = _plain(text, True, monkeypatch)
    assert hooked == _plain(text, False, monkeypatch)


def test_the_documents_of_a_stream_are_built() -> None:
    docs, problems = load_yaml("a: &x [1, 2]\nb: *x\n---\nc: .nan\n", "f.yaml")
    assert problems == []
    assert docs[0].data == {"a": [1, 2], "b": [1, 2]}
    assert math.isnan(docs[1].data["c"])


def test_the_c_module_is_left_as_found_even_when_a_parse_stops() -> None:
    module = events._C_MODULE
    before = {name: getattr(module, name) for name in events.HOOKS} if module else {}
    for text in ("a: [1,\n", "a: *nope\n", "[" * (MAX_DEPTH + 1)):
        _, problems = load_yaml(text, "f.yaml")
        assert problems
    assert ({name: getattr(module, name) for name in events.HOOKS} if module else {}) == before
    # ruamel's own C-based loader still sees its event classes
    assert YAML(typ="safe", pure=False).load("a: [1, {b: c}]\n") == {"a": [1, {"b": "c"}]}


def test_a_handler_error_reaches_the_caller() -> None:
    class Failing:
        def __getattr__(self, name: str) -> Any:
            def fail(*_: Any) -> None:
                raise RuntimeError(name)

            return fail

    with pytest.raises(RuntimeError, match="stream_start"):
        events.parse("a: 1\n", Failing())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="stream_start"):
        events.replay("a: 1\n", Failing())  # type: ignore[arg-type]
