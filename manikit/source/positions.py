"""Line and column of every node, computed only for files that have findings.

A second pass of the C event parser over the file's text records, for each document, where each path
(``("spec", "replicas")``) starts: the key and the value.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError

from manikit.source import events

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass(slots=True)
class NodePosition:
    value: Mark
    key: Mark | None = None  # where the mapping key of this node starts, when it has one


class PositionIndex:
    """Positions of the nodes of every document of one text, built on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._docs: list[dict[Path, NodePosition]] | None = None

    def document(self, index: int) -> dict[Path, NodePosition]:
        if self._docs is None:
            self._docs = _index(self._text)
        return self._docs[index] if 0 <= index < len(self._docs) else {}

    def locate(self, index: int, path: Path, *, key: bool = False) -> Mark | None:
        """Where ``path`` is in document ``index``; falls back to the nearest ancestor present."""
        positions = self.document(index)
        probe = tuple(path)
        while True:
            found = positions.get(probe)
            if found is not None:
                if key and found.key is not None and probe == tuple(path):
                    return found.key
                return found.value if probe == tuple(path) or found.key is None else found.key
            if not probe:
                return None
            probe = probe[:-1]


class _Frame:
    __slots__ = ("count", "is_map", "key", "key_mark", "path")

    def __init__(self, path: Path, is_map: bool) -> None:
        self.path = path
        self.is_map = is_map
        self.key: Any = None
        self.key_mark: Mark | None = None
        self.count = 0


def _index(text: str) -> list[dict[Path, NodePosition]]:
    docs: list[dict[Path, NodePosition]] = []
    # positions up to a syntax error are kept; the error itself is reported by the loader
    with contextlib.suppress(YAMLError, ValueError):
        _walk(text, docs)
    return docs


def _walk(text: str, docs: list[dict[Path, NodePosition]]) -> None:
    events.parse(text, _Indexer(docs))


class _Indexer:
    """Where each node starts, from the parser's events (events.py calls these methods)."""

    def __init__(self, docs: list[dict[Path, NodePosition]]) -> None:
        self.docs = docs
        self.current: dict[Path, NodePosition] = {}
        self.stack: list[_Frame] = []

    def document_start(self, *_: Any) -> None:
        self.current = {}
        self.docs.append(self.current)
        self.stack = []

    def scalar(self, anchor: Any, tag: Any, implicit: Any, value: str, start_mark: Any, *_: Any) -> None:
        self._node(start_mark, value)

    def alias(self, anchor: str, start_mark: Any, end_mark: Any) -> None:
        self._node(start_mark, None)

    def mapping_start(self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, *_: Any) -> None:
        path = self._node(start_mark, None)
        self.stack.append(_Frame(path if path is not None else (), True))

    def sequence_start(self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, *_: Any) -> None:
        path = self._node(start_mark, None)
        self.stack.append(_Frame(path if path is not None else (), False))

    def collection_end(self, *_: Any) -> None:
        if self.stack:
            self.stack.pop()

    def document_end(self, *_: Any) -> None:
        return None

    def stream_start(self, *_: Any) -> None:
        return None

    def stream_end(self, *_: Any) -> object:
        return events.DONE

    def _node(self, start_mark: Any, value: str | None) -> Path | None:
        mark = Mark(start_mark.line + 1, start_mark.column + 1)
        path, key_mark = _place(self.stack, value, mark)
        if path is not None:
            self.current[path] = NodePosition(mark, key_mark)
        return path


def _place(stack: list[_Frame], value: str | None, mark: Mark) -> tuple[Path | None, Mark | None]:
    """The path of the node that starts at ``mark`` (``value``: a scalar's text, else None), or None
    when it is a mapping key."""
    if not stack:
        return (), None
    frame = stack[-1]
    if not frame.is_map:
        path = (*frame.path, frame.count)
        frame.count += 1
        return path, None
    if frame.count % 2 == 0:
        frame.count += 1
        frame.key = value
        frame.key_mark = mark
        return None, None
    frame.count += 1
    return (*frame.path, _key_value(frame.key)), frame.key_mark


def _key_value(key: Any) -> str | int:
    return key if isinstance(key, str) else str(key)
