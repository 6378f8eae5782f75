"""The common case's builder: documents without anchors, aliases, merge keys or duplicate keys.

``helm template`` and ``kustomize build`` print such streams, and so do most hand-written files. For
them the exact builder's bookkeeping (each key's mark for a duplicate, each node's size for an alias
bomb, each anchor's value) finds nothing, so this one keeps none of it: each event handler is a closure
over the open container, a few bytecodes per scalar. Anything it does not handle exactly as the exact
builder (yamlfast.py) does raises ``Unusual``, and the caller builds the whole text again with that one:
what a text becomes never depends on which builder ran.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manikit.source import events
from manikit.source.scalars import MAYBE_NOT_STRING, resolve_plain, resolve_tagged

# the exact builder's limits (yamlfast.py imports them from here); exceeding one is left to it
MAX_DEPTH = 200
MAX_NODES = 1_000_000  # per document, with aliases expanded: bounds "billion laughs"

_NO_KEY = object()
_PLAIN_CACHE_SIZE = 4096  # plain scalars' values per parse, the first ones met: manifests repeat a few


class Unusual(Exception):
    """The text needs the exact builder: an anchor, an alias, a duplicate or merge key, a complex key,
    or a limit reached."""


def load_plain(text: str) -> list[tuple[Any, int]]:
    """Each document's data and the (1-based) line it starts on; ``Unusual`` (or the parser's error)
    when the exact builder must build it."""
    handler = _PlainHandler()
    events.parse(text, handler)
    return handler.documents


class _PlainHandler:
    """The methods events.parse calls; the busy ones are closures over the builder's state (``nonlocal``
    cells are cheaper to reach than attributes, and the scalar handler runs for every key and value)."""

    def __init__(self) -> None:
        self.documents: list[tuple[Any, int]] = []
        (
            self.scalar,
            self.mapping_start,
            self.sequence_start,
            self.collection_end,
            self.document_start,
            self.document_end,
        ) = _handlers(self.documents)

    def alias(self, *_: Any) -> None:
        raise Unusual("alias")

    def stream_start(self, *_: Any) -> None:
        return None

    def stream_end(self, *_: Any) -> object:
        return events.DONE


def _handlers(documents: list[tuple[Any, int]]) -> tuple[Callable[..., None], ...]:
    """scalar, mapping_start, sequence_start, collection_end, document_start and document_end, sharing
    one state. The two collection starts are written out twice: a shared helper is a call more for
    every mapping of the stream."""
    stack: list[tuple[Any, bool]] = []  # the enclosing containers and whether each is a mapping
    push, pop = stack.append, stack.pop
    root: list[Any] = []  # a document's root node: the list it is appended to
    current: Any = root  # the innermost open container
    is_map = False
    key: Any = _NO_KEY  # a mapping's key waiting for its value
    nodes = 1  # the document's nodes: 1 (its root) + each mapping's 2 per entry + each sequence's items
    line = 1  # where the document starts
    maybe = MAYBE_NOT_STRING
    cache: dict[str, Any] = {}
    cached = cache.get

    def resolve(value: str) -> Any:
        resolved = resolve_plain(value)
        if len(cache) < _PLAIN_CACHE_SIZE:
            cache[value] = resolved
        return resolved

    def scalar(anchor: Any, tag: Any, implicit: Any, value: str, start: Any, end: Any, style: Any) -> None:
        nonlocal key
        if anchor:
            raise Unusual("anchor")
        if is_map and key is _NO_KEY:
            key = value  # mapping keys stay text: Kubernetes' keys are strings
            return
        if implicit[0] and not tag:  # plain: text that cannot be anything but a string needs no call
            if not value or value[0] in maybe:
                resolved = cached(value, _NO_KEY)  # a dict look-up for the values manifests repeat
                value = resolve(value) if resolved is _NO_KEY else resolved
        elif tag:
            value = resolve_tagged(value, str(tag))
        if is_map:
            if key in current:
                raise Unusual("duplicate key")
            current[key] = value
            key = _NO_KEY
        else:
            current.append(value)

    def mapping_start(anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any) -> None:
        nonlocal current, is_map, key
        if anchor or len(stack) >= MAX_DEPTH:
            raise Unusual("anchor or depth")
        new: dict[str, Any] = {}
        if is_map:
            if key is _NO_KEY or key == "<<" or key in current:
                raise Unusual("complex, merge or duplicate key")
            current[key] = new  # where the exact builder puts it at its end: keys keep their order
        else:
            current.append(new)
        push((current, is_map))
        current, is_map, key = new, True, _NO_KEY

    def sequence_start(anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any) -> None:
        nonlocal current, is_map, key
        if anchor or len(stack) >= MAX_DEPTH:
            raise Unusual("anchor or depth")
        new: list[Any] = []
        if is_map:
            if key is _NO_KEY or key == "<<" or key in current:
                raise Unusual("complex, merge or duplicate key")
            current[key] = new
        else:
            current.append(new)
        push((current, is_map))
        current, is_map, key = new, False, _NO_KEY

    def collection_end(start: Any, end: Any) -> None:
        nonlocal current, is_map, key, nodes
        nodes += 2 * len(current) if is_map else len(current)
        if nodes > MAX_NODES:
            raise Unusual("too many nodes")
        current, is_map = pop()
        key = _NO_KEY  # the parent's key got its value at the start

    def document_start(start_mark: Any, *_: Any) -> None:
        nonlocal nodes, line
        root.clear()
        nodes = 1
        line = start_mark.line + 1

    def document_end(*_: Any) -> None:
        documents.append((root[0] if root else None, line))

    return scalar, mapping_start, sequence_start, collection_end, document_start, document_end
