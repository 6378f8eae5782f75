"""The commonest YAML read line by line: block mappings and sequences of one-line scalars.

``helm template`` and ``kustomize build`` print such streams. For them libyaml's C parser is the
floor of the other builders: its Python wrapper makes two Mark objects and a call per event, more than
half of what loading costs. This builder reads each line with a few string operations instead. It
accepts only printable ASCII text whose lines are comments, ``---`` and block mapping entries or
sequence items (compact ``- key: value`` included) with a plain, simply quoted (no escapes), ``{}``
or ``[]`` value; anything else (anchors, tags, flow collections, block or multi-line scalars,
duplicate keys, tabs, ``...``, directives, a line it cannot place) raises ``Unusual`` and the caller
builds the whole text with yamlplain.py's builder, the reference this one is tested against: what a
text becomes never depends on which builder ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from typing import Any

from manikit.source.scalars import MAYBE_NOT_STRING, resolve_plain
from manikit.source.yamlplain import MAX_DEPTH, MAX_NODES, Unusual

# each line: its indent, a sequence item's dash, a plain key with its separator, and the rest
_LINE = re.compile(r"^( *)(-(?: +|$))?(?:([A-Za-z0-9_$][A-Za-z0-9_.$/-]*):(?: +|$))?(.*)$", re.MULTILINE)
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*| *)')  # no escape, no line break
_SINGLE = re.compile(r"'([^']*)'(?: +#.*| *)")  # no doubled quote
_EMPTY_FLOW = re.compile(r"(\{\}|\[\])(?: +#.*| *)")
# a value that is a block scalar, an anchor, alias or tag, or a flow collection other than {} and []:
# looked for before reading, so that a stream holding one (a ConfigMap's script) is not read in part
# for nothing (the line reader would hand it over at that line); a false alarm only costs the speed-up
_LIKELY_UNUSUAL = re.compile(r"[:-] +(?:[|>][-+0-9]* *(?:#.*)?$|[&*!]|[\[{](?![\]}]))", re.MULTILINE)
_LIKELY_UNUSUAL_CHARS = "|>&*![{"  # when none is in the text, the expression above cannot match
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar cannot start with one (``-`` may, see below)
_DEPTH = MAX_DEPTH // 2  # deeper nesting is left to the other builders (their limit, their message)
_LINES = MAX_NODES // 8  # a line adds at most 4 nodes: longer documents are left to the others too
_PLAIN_CACHE_SIZE = 4096
#: a run of empty lines this long is skipped whole (a plan's load of a big file blanks the documents it
#: knows from their text: ``plan.textual``, hundreds of thousands of lines)
_BLANK_RUN_LINES = 64
_BLANK_RUN = re.compile(r"(\n{64,})")  # _BLANK_RUN_LINES
#: _LINE for one line without its line break (``fullmatch`` always matches: ``.*`` takes any line)
_ONE_LINE = re.compile(r"( *)(-(?: +|$))?(?:([A-Za-z0-9_$][A-Za-z0-9_.$/-]*):(?: +|$))?(.*)")
_REPEATS_MIN_LINES = 2_000  # shorter texts are cut line by line: finding repeats would not pay
_NO_VALUE = object()


def load_lines(text: str) -> list[tuple[Any, int]]:
    """Each document's data and the (1-based) line it starts on, as ``yamlplain.load_plain`` gives
    them; ``Unusual`` for a text outside the subset this builder reads."""
    if not (text.isascii() and text.replace("\n", "").isprintable()):  # printable ASCII: 0x20-0x7e
        raise Unusual("tabs, carriage returns, control or non-ASCII characters")
    if any(c in text for c in _LIKELY_UNUSUAL_CHARS) and _LIKELY_UNUSUAL.search(text):
        raise Unusual("a block scalar, an anchor, alias or tag, or a flow collection")
    return _Reader().read(text)


class _Reader:
    """One pass over the lines; the open containers are a stack of (indent, container, is a mapping).

    ``_LINE`` cuts every line into its indent, sequence dash, plain key and the rest, in C; ``read``
    places each line in one loop written out, state in locals: a helper per line would be a call more
    for each of the stream's lines, and this loop is most of the time of a big file's load.
    """

    def __init__(self) -> None:
        self.documents: list[tuple[Any, int]] = []
        self.cache: dict[str, Any] = {}

    def read(self, text: str) -> list[tuple[Any, int]]:
        documents = self.documents
        stack: list[tuple[int, Any, bool]] = []
        root: Any = _NO_VALUE
        doc_line = 0  # 0: no document open
        # a `key:` (in_map) or `-` whose value is on the lines below: its container, key and indent
        held_in: Any = None
        held_key: Any = None
        held_at = -1  # -1: nothing pending
        held_in_map = False
        lines_in_doc = 0
        top: Any = None  # the innermost open container: stack[-1], or nothing open
        top_indent, top_is_map = -1, False
        scalar, cache, maybe, indicators = self.scalar, self.cache, MAYBE_NOT_STRING, _INDICATORS
        body = text.lstrip("\n")  # a piece of a big file comes behind as many empty lines as precede it
        first_line = len(text) - len(body) + 1
        for number, (spaces, dash, key, rest) in _numbered_lines(body, first_line):
            if not key and not dash:
                if not rest or rest[0] == "#":
                    continue  # a blank or comment line
                if not spaces and rest[:3] == "---" and (len(rest) == 3 or rest[3] == " "):
                    after = rest[3:].lstrip(" ")
                    if after and after[0] != "#":
                        raise Unusual("content after ---")
                    if lines_in_doc > _LINES:
                        raise Unusual("a document longer than the builder's limit")
                    if doc_line:
                        if held_at >= 0:
                            _put(held_in, held_key, None, held_in_map)
                        documents.append((None if root is _NO_VALUE else root, doc_line))
                    stack, root, doc_line, lines_in_doc = [], _NO_VALUE, number, 0
                    top_indent, top, top_is_map, held_at = -1, None, False, -1
                    continue
                raise Unusual("a line that is neither a mapping entry nor a sequence item")
            indent = len(spaces)
            lines_in_doc += 1
            if held_at >= 0:
                if indent > held_at or (dash and held_in_map and indent == held_at):  # a nested block
                    new: Any = [] if dash else {}  # (or a sequence at its key's indent)
                    if held_in_map:
                        held_in[held_key] = new
                    else:
                        held_in.append(new)
                    if len(stack) >= _DEPTH:
                        raise Unusual("a document nested beyond the builder's limit")
                    stack.append((indent, new, not dash))
                    top_indent, top, top_is_map = indent, new, not dash
                elif held_in_map:
                    held_in[held_key] = None
                else:
                    held_in.append(None)
                held_at = -1
            elif top is None:
                if root is not _NO_VALUE:
                    raise Unusual("content after the document's root node")
                if not doc_line:
                    doc_line = number  # an implicit document starts at its first token
                root = [] if dash else {}
                stack.append((indent, root, not dash))
                top_indent, top, top_is_map = indent, root, not dash
            if indent < top_indent:
                while stack[-1][0] > indent:
                    stack.pop()
                    if not stack:
                        raise Unusual("a line left of the document's root node")
                top_indent, top, top_is_map = stack[-1]
            if dash:
                if top_is_map or top_indent != indent:
                    raise Unusual("a sequence item out of place")
                if not key:
                    if not rest or rest[0] == "#":
                        held_in, held_key, held_at, held_in_map = top, None, indent, False
                    else:
                        top.append(scalar(rest))
                    continue
                indent += len(dash)  # a mapping in the item: its keys are in this column
                if len(stack) >= _DEPTH:
                    raise Unusual("a document nested beyond the builder's limit")
                entries: dict[str, Any] = {}
                top.append(entries)
                stack.append((indent, entries, True))
                top_indent, top, top_is_map = indent, entries, True
            elif not top_is_map and top_indent == indent and len(stack) > 1:
                outer_indent, outer, outer_is_map = stack[-2]
                if outer_is_map and outer_indent == indent:  # a sequence at its key's indent ends
                    stack.pop()
                    top, top_is_map = outer, True
            if not top_is_map or top_indent != indent:
                raise Unusual("a mapping entry out of place")
            if key in top:
                raise Unusual("duplicate key")
            if not rest or rest[0] == "#":
                held_in, held_key, held_at, held_in_map = top, key, indent, True
                continue
            first = rest[0]
            if first in indicators or " #" in rest or ": " in rest or rest[-1] in " :":
                top[key] = scalar(rest)
            elif first not in maybe:
                top[key] = rest
            elif rest in cache:
                top[key] = cache[rest]
            else:
                top[key] = scalar(rest)
        if lines_in_doc > _LINES:
            raise Unusual("a document longer than the builder's limit")
        if doc_line:
            if held_at >= 0:
                _put(held_in, held_key, None, held_in_map)
            documents.append((None if root is _NO_VALUE else root, doc_line))
        return documents

    def entry(self, mapping: dict[str, Any], key: str, rest: str, indent: int) -> Any:
        """Add ``key``'s one-line value (``rest``) to ``mapping``; or return the pending entry when it
        has none."""
        if key in mapping:
            raise Unusual("duplicate key")
        if not rest or rest[0] == "#":
            return (mapping, key, indent, True)
        mapping[key] = self.scalar(rest)
        return None

    def scalar(self, text: str) -> Any:
        """The value of a one-line scalar (``text`` starts with no space), as the other builders give."""
        first = text[0]
        if first in _INDICATORS:
            if first == '"' or first == "'":
                quoted = (_DOUBLE if first == '"' else _SINGLE).fullmatch(text)
                if quoted is None:
                    raise Unusual("a quoted scalar with escapes or more after it")
                return quoted.group(1)
            empty = _EMPTY_FLOW.fullmatch(text)
            if empty is not None:
                return {} if empty.group(1) == "{}" else []
            if first != "-" or len(text) == 1 or text[1] == " ":
                raise Unusual("an indicator")
        comment = text.find(" #")
        if comment >= 0:
            text = text[:comment]
        text = text.rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise Unusual("a mapping in a scalar's place")
        if text[0] not in MAYBE_NOT_STRING:
            return text
        cache = self.cache
        if text in cache:
            return cache[text]
        value = resolve_plain(text)
        if len(cache) < _PLAIN_CACHE_SIZE:
            cache[text] = value
        return value


def _put(holder: Any, key: Any, value: Any, in_map: bool) -> None:
    if in_map:
        holder[key] = value
    else:
        holder.append(value)


def _settle(pending: tuple[Any, Any, int, bool] | None) -> None:
    """A `key:` or `-` with nothing below it is null."""
    if pending is not None:
        holder, key, _, in_map = pending
        _put(holder, key, None, in_map)


def _numbered_lines(body: str, first_line: int) -> Iterable[tuple[int, tuple[str, str, str, str]]]:
    """``_LINE``'s cut of each line of ``body`` with its number, less the lines of long runs of empty
    lines (nothing to place: block scalars, where they would count, are handed over before reading)."""
    if "\n" * _BLANK_RUN_LINES not in body:
        return enumerate(_cut_lines(body), first_line)
    parts = _BLANK_RUN.split(body)  # text, run of newlines, text, ...
    numbered = []
    line = first_line
    for i in range(0, len(parts), 2):
        text = parts[i]
        numbered.append(enumerate(_cut_lines(text), line))
        if i + 1 < len(parts):  # the run ends this text's last line; the rest are empty lines
            line += text.count("\n") + len(parts[i + 1])
    return chain.from_iterable(numbered)


def _cut_lines(text: str) -> list[tuple[str, str, str, str]]:
    """``_LINE.findall(text)``; each distinct line cut once when most lines repeat others.

    A stream of many objects of a few kinds (``helm template``'s, a generated repository's) repeats
    most of its lines: ``spec:``, ``containers:``, ``imagePullPolicy: IfNotPresent``... Cutting each
    distinct line once and looking the others up costs a third of cutting them all, and the lines cut
    alike share their strings (a key's hash is then computed once). A text of mostly distinct lines
    (or a short one) is cut whole, as before: the look-up would only add to it."""
    if text.count("\n") < _REPEATS_MIN_LINES:
        return _LINE.findall(text)
    lines = text.split("\n")
    distinct = set(lines)
    if len(distinct) * 2 > len(lines):
        return _LINE.findall(text)
    cuts: dict[str, tuple[str, str, str, str]] = {line: _cut_one(line) for line in distinct}
    return list(map(cuts.__getitem__, lines))


def _cut_one(line: str) -> tuple[str, str, str, str]:
    cut = _ONE_LINE.fullmatch(line)
    assert cut is not None, "``.*`` matches any line without a break"
    spaces, dash, key, rest = cut.groups("")
    return spaces, dash, key, rest
