"""Fast YAML construction: ruamel.yaml's C event parser, built into plain dicts and lists here.

This is the hot path of every command. It keeps no positions (see positions.py, used only for
documents with findings), detects duplicate keys, merge keys, alias bombs and deep nesting, and turns
parser errors into Problems instead of exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from manikit.diagnostics import Level, Problem
from manikit.source.scalars import resolve_plain, resolve_tagged

MAX_DEPTH = 200
MAX_NODES = 1_000_000  # per document, with aliases expanded: bounds "billion laughs"

_NO_KEY = object()


@dataclass(slots=True)
class RawDocument:
    """One YAML document of a file: its data and the (1-based) line it starts on."""

    index: int
    data: Any
    line: int


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Frame:
    __slots__ = ("anchor", "container", "is_map", "key", "key_mark", "keys_seen", "size")

    def __init__(self, container: Any, anchor: str | None, is_map: bool) -> None:
        self.container = container
        self.anchor = anchor
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_mark: Any = None  # where the pending key starts: read only for a duplicate key
        self.size = 1
        self.keys_seen: dict[Any, Any] = {}  # each key's mark (a mapping's; a sequence's stays empty)


def load_yaml(text: str, filename: str) -> tuple[list[RawDocument], list[Problem]]:
    """All documents of ``text``. Documents before a syntax error are kept; the error is a Problem."""
    builder = _Builder(filename)
    try:
        builder.run(text)
    except _Abort as abort:
        builder.problems.append(abort.problem)
    except MarkedYAMLError as exc:
        builder.problems.append(_syntax_problem(exc, filename))
    except (YAMLError, ValueError, UnicodeError) as exc:
        builder.problems.append(
            Problem(filename, 1, 0, "MK004", "yaml-syntax", Level.ERROR, f"cannot parse YAML: {exc}")
        )
    return builder.documents, [_with_template_hint(p, text) for p in builder.problems]


def _with_template_hint(problem: Problem, text: str) -> Problem:
    """A syntax error on a line with ``{{`` is most likely an unrendered template: say so."""
    if problem.code != "MK004" or problem.line <= 0:
        return problem
    lines = text.splitlines()
    line = lines[problem.line - 1] if problem.line <= len(lines) else ""
    if "{{" not in line and "{%" not in line:
        return problem
    return replace(
        problem, hint="this looks like an unrendered template: name the file *.j2 to render it first"
    )


def _syntax_problem(exc: MarkedYAMLError, filename: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 0)
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{what} {exc.context}"
    if "\t" in str(exc.problem) or "tab" in str(exc.problem):
        what += "; YAML does not allow tabs for indentation: use spaces"
    return Problem(filename, line, col, "MK004", "yaml-syntax", Level.ERROR, what)


class _Builder:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.documents: list[RawDocument] = []
        self.problems: list[Problem] = []

    def run(self, text: str) -> None:
        # The hot loop of every command: one pass over the parser's events, the adding of a value to
        # its container inlined (a call per event costs a tenth of the parse).
        parser = CParser(text)
        stack: list[_Frame] = []
        anchors: dict[str, tuple[Any, int]] = {}
        doc_line = 1
        root: list[Any] = []
        get_event = parser.get_event
        scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
        starts = {ev.MappingStartEvent: True, ev.SequenceStartEvent: False}
        ends = (ev.MappingEndEvent, ev.SequenceEndEvent)
        frame: _Frame | None = None  # the innermost open container: stack[-1]
        while True:
            event = get_event()
            cls = type(event)
            size = 1
            if cls is scalar_event:
                if frame is not None and frame.is_map and frame.key is _NO_KEY:
                    if event.anchor:
                        anchors[event.anchor] = (event.value, 1)
                    frame.size += 1
                    if frame.size > MAX_NODES:
                        raise _Abort(self._too_many(event))
                    frame.key = event.value  # mapping keys stay text: Kubernetes' keys are strings
                    frame.key_mark = event.start_mark
                    continue
                tag = event.tag
                if event.implicit[0] and not tag:
                    value = resolve_plain(event.value)
                elif tag:
                    value = resolve_tagged(event.value, str(tag))
                else:
                    value = event.value
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                if frame is None:
                    root.append(value)
                    continue
                frame.size += 1  # a scalar value: what _add does, inlined for the commonest event
                if frame.size > MAX_NODES:
                    raise _Abort(self._too_many(event))
                if frame.is_map:
                    key = frame.key
                    frame.key = _NO_KEY
                    if key in frame.keys_seen:
                        self._duplicate(frame, key)
                    else:
                        frame.keys_seen[key] = frame.key_mark
                    frame.container[key] = value
                else:
                    frame.container.append(value)
                continue
            elif cls in starts:
                if len(stack) >= MAX_DEPTH:
                    raise _Abort(self._limit(event, f"the document is nested deeper than {MAX_DEPTH} levels"))
                is_map = starts[cls]
                frame = _Frame({} if is_map else [], event.anchor, is_map)
                stack.append(frame)
                continue
            elif cls in ends:
                done = stack.pop()
                frame = stack[-1] if stack else None
                value, size = done.container, done.size
                if done.anchor:
                    anchors[done.anchor] = (value, size)
            elif cls is alias_event:
                if event.anchor not in anchors:
                    raise _Abort(self._error(event, "MK004", "yaml-syntax", f"unknown alias *{event.anchor}"))
                value, size = anchors[event.anchor]
            elif cls is ev.DocumentStartEvent:
                doc_line = event.start_mark.line + 1
                root.clear()
                anchors = {}
                continue
            elif cls is ev.DocumentEndEvent:
                data = root[0] if root else None
                self.documents.append(RawDocument(len(self.documents), data, doc_line))
                continue
            elif event is None or cls is ev.StreamEndEvent:
                return
            else:
                continue
            if frame is None:
                root.append(value)
            else:
                self._add(frame, value, size, event)

    def _add(self, frame: _Frame, value: Any, size: int, event: Any) -> None:
        frame.size += size
        if frame.size > MAX_NODES:
            raise _Abort(self._too_many(event))
        container = frame.container
        if not frame.is_map:
            container.append(value)
            return
        if frame.key is _NO_KEY:  # a key that is not a scalar: a mapping, a sequence or an alias of one
            if isinstance(value, (dict, list)):
                raise _Abort(self._error(event, "MK004", "yaml-syntax", "a mapping key must be a scalar"))
            frame.key = value
            frame.key_mark = event.start_mark
            return
        key = frame.key
        frame.key = _NO_KEY
        if key == "<<" and isinstance(value, (dict, list)):
            self._merge(frame, value)
            return
        if key in frame.keys_seen:
            self._duplicate(frame, key)
        else:
            frame.keys_seen[key] = frame.key_mark
        container[key] = value

    def _duplicate(self, frame: _Frame, key: Any) -> None:
        first = frame.keys_seen[key].line + 1
        mark = frame.key_mark
        self.problems.append(
            Problem(
                self.filename,
                mark.line + 1,
                mark.column + 1,
                "MK005",
                "duplicate-key",
                Level.ERROR,
                f'duplicate key "{key}" (first at line {first}); Kubernetes rejects duplicate fields: '
                "keep one",
            )
        )

    def _merge(self, frame: _Frame, value: Any) -> None:
        mark = frame.key_mark
        self.problems.append(
            Problem(
                self.filename,
                mark.line + 1,
                mark.column + 1,
                "MK011",
                "merge-key",
                Level.ERROR,
                "YAML merge keys (<<) are not supported by Kubernetes' YAML decoder (kubectl rejects "
                "them): write the merged keys out",
            )
        )
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if isinstance(source, dict):
                for k, v in source.items():
                    frame.container.setdefault(k, v)

    def _error(self, event: Any, code: str, name: str, message: str) -> Problem:
        mark = event.start_mark
        return Problem(self.filename, mark.line + 1, mark.column + 1, code, name, Level.ERROR, message)

    def _too_many(self, event: Any) -> Problem:
        return self._limit(
            event,
            f"the document expands to more than {MAX_NODES:,} nodes through aliases (a YAML alias bomb?)",
        )

    def _limit(self, event: Any, message: str) -> Problem:
        return self._error(event, "MK010", "yaml-limits", message)
