"""Line and column of every node, computed only for files that have findings.

A second pass of the C event parser over the file's text records, for each document, where each path
(``("spec", "replicas")``) starts: the key and the value.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import YAMLError

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
    parser = CParser(text)
    stack: list[_Frame] = []
    current: dict[Path, NodePosition] = {}
    while True:
        event = parser.get_event()
        if event is None or isinstance(event, ev.StreamEndEvent):
            return
        if isinstance(event, ev.DocumentStartEvent):
            current = {}
            docs.append(current)
            stack = []
            continue
        if not isinstance(
            event, (ev.ScalarEvent, ev.AliasEvent, ev.MappingStartEvent, ev.SequenceStartEvent)
        ):
            if isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)) and stack:
                stack.pop()
            continue
        mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
        path, key_mark = _place(stack, event, mark)
        if path is not None:
            current[path] = NodePosition(mark, key_mark)
        if isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            stack.append(_Frame(path if path is not None else (), isinstance(event, ev.MappingStartEvent)))


def _place(stack: list[_Frame], event: Any, mark: Mark) -> tuple[Path | None, Mark | None]:
    """The path of the node this event starts, or None when it is a mapping key."""
    if not stack:
        return (), None
    frame = stack[-1]
    if not frame.is_map:
        path = (*frame.path, frame.count)
        frame.count += 1
        return path, None
    if frame.count % 2 == 0:
        frame.count += 1
        frame.key = event.value if isinstance(event, ev.ScalarEvent) else None
        frame.key_mark = mark
        if isinstance(frame.key, str) or frame.key is None:
            return None, None
        return None, None
    frame.count += 1
    return (*frame.path, _key_value(frame.key)), frame.key_mark


def _key_value(key: Any) -> str | int:
    return key if isinstance(key, str) else str(key)
