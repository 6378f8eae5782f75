"""Fast YAML construction: ruamel.yaml's C event parser, built into plain dicts and lists here.

This is the hot path of every command. It keeps no positions (see positions.py, used only for
documents with findings), detects duplicate keys, merge keys, alias bombs and deep nesting, and turns
parser errors into Problems instead of exceptions. A text without any of these is built by the leaner
builder of yamlplain.py (or, when it is all block mappings and sequences of one-line scalars, read line
by line by yamllines.py without libyaml); the exact builder here builds the others, the same way as ever.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from manikit.diagnostics import Level, Problem
from manikit.source import events
from manikit.source.scalars import MAYBE_NOT_STRING, resolve_plain, resolve_tagged
from manikit.source.yamllines import load_lines
from manikit.source.yamlplain import MAX_DEPTH, MAX_NODES, Unusual, load_plain

__all__ = ["MAX_DEPTH", "MAX_NODES", "RawDocument", "load_yaml", "load_yaml_exact"]

_NO_KEY = object()


@dataclass(slots=True)
class RawDocument:
    """One YAML document of a file: its data and the (1-based) line it starts on."""

    index: int
    data: Any
    line: int
    #: the document uses a YAML alias: ``data`` may hold a node twice (or a key that is not text)
    aliased: bool = False


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


# An open container is a list, not an object: one is made per mapping and sequence of the stream.
_CONTAINER, _ANCHOR, _IS_MAP, _KEY, _KEY_MARK, _SIZE, _KEYS_SEEN = range(7)
# _KEY: the pending key of a mapping, or _NO_KEY; _KEY_MARK: where it starts (read only for a duplicate
# key); _SIZE: nodes inside, aliases expanded; _KEYS_SEEN: each key's mark (a sequence's stays empty)


def load_yaml(text: str, filename: str) -> tuple[list[RawDocument], list[Problem]]:
    """All documents of ``text``. Documents before a syntax error are kept; the error is a Problem."""
    try:
        plain = load_lines(text)
    except (Unusual, ValueError):  # ValueError: a number too long to convert, said by the exact builder
        try:
            plain = load_plain(text)
        except (Unusual, YAMLError, ValueError, UnicodeError):
            return load_yaml_exact(text, filename)  # the exact builder finds what there is, and says it
    return [RawDocument(i, data, line) for i, (data, line) in enumerate(plain)], []


def load_yaml_exact(text: str, filename: str) -> tuple[list[RawDocument], list[Problem]]:
    """``load_yaml`` by the exact builder alone (what ``load_yaml`` gives for any text)."""
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
    """Plain data from the parser's events: one method per event, called by the C parser itself
    (events.py); the adding of a scalar to its container is inlined in ``scalar``, the commonest."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.documents: list[RawDocument] = []
        self.problems: list[Problem] = []
        self.stack: list[list[Any]] = []
        self.frame: list[Any] | None = None  # the innermost open container: stack[-1]
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.root: list[Any] = []
        self.doc_line = 1
        self.aliased = False  # the open document used an alias

    def run(self, text: str) -> None:
        events.parse(text, self)

    def scalar(
        self, anchor: Any, tag: Any, implicit: Any, value: str, start_mark: Any, end_mark: Any, style: Any
    ) -> None:
        frame = self.frame
        if frame is not None and frame[_IS_MAP] and frame[_KEY] is _NO_KEY:
            if anchor:
                self.anchors[anchor] = (value, 1)
            frame[_SIZE] += 1
            if frame[_SIZE] > MAX_NODES:
                raise _Abort(self._too_many(start_mark))
            frame[_KEY] = value  # mapping keys stay text: Kubernetes' keys are strings
            frame[_KEY_MARK] = start_mark
            return
        if implicit[0] and not tag:  # plain: text that cannot be anything but a string needs no call
            resolved = value if value and value[0] not in MAYBE_NOT_STRING else resolve_plain(value)
        elif tag:
            resolved = resolve_tagged(value, str(tag))
        else:
            resolved = value
        if anchor:
            self.anchors[anchor] = (resolved, 1)
        if frame is None:
            self.root.append(resolved)
            return
        frame[_SIZE] += 1
        if frame[_SIZE] > MAX_NODES:
            raise _Abort(self._too_many(start_mark))
        if frame[_IS_MAP]:
            key = frame[_KEY]
            frame[_KEY] = _NO_KEY
            seen = frame[_KEYS_SEEN]
            if key in seen:
                self._duplicate(frame, key)
            else:
                seen[key] = frame[_KEY_MARK]
            frame[_CONTAINER][key] = resolved
        else:
            frame[_CONTAINER].append(resolved)

    def mapping_start(
        self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, end_mark: Any, flow_style: Any
    ) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _Abort(self._too_deep(start_mark))
        self.frame = frame = [{}, anchor, True, _NO_KEY, None, 1, {}]
        self.stack.append(frame)

    def sequence_start(
        self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, end_mark: Any, flow_style: Any
    ) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _Abort(self._too_deep(start_mark))
        self.frame = frame = [[], anchor, False, _NO_KEY, None, 1, {}]
        self.stack.append(frame)

    def collection_end(self, start_mark: Any, end_mark: Any) -> None:
        stack = self.stack
        done = stack.pop()
        self.frame = frame = stack[-1] if stack else None
        value, size = done[_CONTAINER], done[_SIZE]
        if done[_ANCHOR]:
            self.anchors[done[_ANCHOR]] = (value, size)
        if frame is None:
            self.root.append(value)
        elif frame[_IS_MAP] and frame[_KEY] is not _NO_KEY and frame[_KEY] != "<<":
            frame[_SIZE] += size  # a mapping or sequence as a value: _add, inlined for the commonest case
            if frame[_SIZE] > MAX_NODES:
                raise _Abort(self._too_many(start_mark))
            key = frame[_KEY]
            frame[_KEY] = _NO_KEY
            seen = frame[_KEYS_SEEN]
            if key in seen:
                self._duplicate(frame, key)
            else:
                seen[key] = frame[_KEY_MARK]
            frame[_CONTAINER][key] = value
        else:
            self._add(frame, value, size, start_mark)

    def alias(self, anchor: str, start_mark: Any, end_mark: Any) -> None:
        if anchor not in self.anchors:
            raise _Abort(self._error(start_mark, "MK004", "yaml-syntax", f"unknown alias *{anchor}"))
        value, size = self.anchors[anchor]
        self.aliased = True
        if self.frame is None:
            self.root.append(value)
        else:
            self._add(self.frame, value, size, start_mark)

    def document_start(self, start_mark: Any, *_: Any) -> None:
        self.doc_line = start_mark.line + 1
        self.root.clear()
        self.anchors = {}
        self.aliased = False

    def document_end(self, *_: Any) -> None:
        data = self.root[0] if self.root else None
        self.documents.append(RawDocument(len(self.documents), data, self.doc_line, self.aliased))

    def stream_start(self, *_: Any) -> None:
        return None

    def stream_end(self, *_: Any) -> object:
        return events.DONE

    def _add(self, frame: list[Any], value: Any, size: int, mark: Any) -> None:
        frame[_SIZE] += size
        if frame[_SIZE] > MAX_NODES:
            raise _Abort(self._too_many(mark))
        container = frame[_CONTAINER]
        if not frame[_IS_MAP]:
            container.append(value)
            return
        if frame[_KEY] is _NO_KEY:  # a key that is not a scalar: a mapping, a sequence or an alias of one
            if isinstance(value, (dict, list)):
                raise _Abort(self._error(mark, "MK004", "yaml-syntax", "a mapping key must be a scalar"))
            frame[_KEY] = value
            frame[_KEY_MARK] = mark
            return
        key = frame[_KEY]
        frame[_KEY] = _NO_KEY
        if key == "<<" and isinstance(value, (dict, list)):
            self._merge(frame, value)
            return
        if key in frame[_KEYS_SEEN]:
            self._duplicate(frame, key)
        else:
            frame[_KEYS_SEEN][key] = frame[_KEY_MARK]
        container[key] = value

    def _duplicate(self, frame: list[Any], key: Any) -> None:
        first = frame[_KEYS_SEEN][key].line + 1
        mark = frame[_KEY_MARK]
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

    def _merge(self, frame: list[Any], value: Any) -> None:
        mark = frame[_KEY_MARK]
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
                    frame[_CONTAINER].setdefault(k, v)

    def _error(self, mark: Any, code: str, name: str, message: str) -> Problem:
        return Problem(self.filename, mark.line + 1, mark.column + 1, code, name, Level.ERROR, message)

    def _too_deep(self, mark: Any) -> Problem:
        return self._limit(mark, f"the document is nested deeper than {MAX_DEPTH} levels")

    def _too_many(self, mark: Any) -> Problem:
        return self._limit(
            mark,
            f"the document expands to more than {MAX_NODES:,} nodes through aliases (a YAML alias bomb?)",
        )

    def _limit(self, mark: Any, message: str) -> Problem:
        return self._error(mark, "MK010", "yaml-limits", message)
