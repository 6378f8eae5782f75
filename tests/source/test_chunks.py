"""Cutting a stream into pieces of whole documents: cuts only at document starts, never where a cut
could change what the parser reads, and every piece knows the stream's line it starts on."""

from __future__ import annotations

import pytest

from manikit.source.chunks import can_split, split_stream
from manikit.source.yamlfast import load_yaml

STREAM = """\
# a comment before anything
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data:
  script: |
    echo one
    ---
    echo two
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
...
--- # a comment on the marker
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  text: "no --- cut here"
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: d}
"""


@pytest.mark.parametrize("pieces", [1, 2, 3, 5, 40])
def test_pieces_put_back_together_are_the_stream(pieces: int) -> None:
    found = split_stream(STREAM, pieces)
    assert "".join(p.text for p in found) == STREAM
    assert 1 <= len(found) <= pieces
    for piece in found:
        assert STREAM.splitlines()[piece.first_line - 1] == piece.text.splitlines()[0]
    for piece in found[1:]:
        assert piece.text.startswith("---")


def test_a_block_scalar_line_of_dashes_is_never_a_cut() -> None:
    cuts = [p.first_line for p in split_stream(STREAM, 40)]
    assert 8 not in cuts  # "    ---" inside the block scalar is content
    assert cuts == [1, 10, 15, 21, 22]


def test_parsing_the_pieces_gives_the_streams_documents_and_lines() -> None:
    whole, problems = load_yaml(STREAM, "s.yaml")
    assert problems == []
    parts = []
    for piece in split_stream(STREAM, 40):
        docs, piece_problems = load_yaml(piece.padded(), "s.yaml")
        assert piece_problems == []
        parts.extend(docs)
    assert [(d.data, d.line) for d in parts] == [(d.data, d.line) for d in whole]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("%YAML 1.2\n---\na: 1\n---\nb: 2\n", "a directive belongs to the document after it"),
        ("a: 1\n...\n%TAG !e! tag:e.com,2000:\n---\nb: !e!x 2\n", "a directive further down the stream"),
        ("a: 1\r\n...\r\n%YAML 1.2\r\n---\r\nb: 2\r\n", "a directive after a Windows line end"),
        ("a: 1\r---\rb: 2\r", "lone carriage returns are line breaks to libyaml"),
        ("a: 1\n---\nb: '\u2028'\n", "a Unicode line separator is a line break to libyaml"),
    ],
)
def test_streams_a_cut_could_change_are_left_whole(text: str, why: str) -> None:
    assert not can_split(text), why
    assert [p.text for p in split_stream(text, 4)] == [text]


def test_windows_line_ends_still_split_with_right_lines() -> None:
    text = "a: 1\r\nb: 2\r\n---\r\nc: 3\r\n---\r\nd: 4\r\n"
    found = split_stream(text, 3)
    assert [p.first_line for p in found] == [1, 3, 5]
