"""ruamel.yaml.clib's C parser (libyaml) driving a builder's methods, one call per YAML event.

libyaml parses a 10 MB stream in 0.3 s; building a Python event object per event (three ``__init__``
frames, ruamel.yaml.events) took 2 s more. The C module looks its event classes up among its module
globals on every event, so for the length of one parse they are replaced by the builder's own methods,
which do their work right there; the classes are put back afterwards, under a lock, and no other code
of manikit parses with ruamel's C module (the rest uses ``pure=True``). Where that module does not look
like that (another version of ruamel.yaml.clib), the events are replayed to the same methods instead.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Protocol

from ruamel.yaml import events as ev
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

DONE = object()  # what ``stream_end`` returns: the parse is over

# the C module's global name of each event class -> the handler method that stands in for it, with the
# positional arguments the C module passes (ruamel.yaml.clib 0.2.x's _ruamel_yaml.pyx)
HOOKS = {
    "StreamStartEvent": "stream_start",  # (start_mark, end_mark, encoding)
    "StreamEndEvent": "stream_end",  # (start_mark, end_mark)
    "DocumentStartEvent": "document_start",  # (start_mark, end_mark, explicit, version, tags)
    "DocumentEndEvent": "document_end",  # (start_mark, end_mark, explicit)
    "AliasEvent": "alias",  # (anchor, start_mark, end_mark)
    "ScalarEvent": "scalar",  # (anchor, tag, implicit, value, start_mark, end_mark, style)
    "SequenceStartEvent": "sequence_start",  # (anchor, tag, implicit, start_mark, end_mark, flow_style)
    "SequenceEndEvent": "collection_end",  # (start_mark, end_mark)
    "MappingStartEvent": "mapping_start",  # (anchor, tag, implicit, start_mark, end_mark, flow_style)
    "MappingEndEvent": "collection_end",  # (start_mark, end_mark)
}

_LOCK = threading.RLock()
_C_MODULE = sys.modules.get(CParser.__module__)
HOOKABLE = _C_MODULE is not None and all(isinstance(getattr(_C_MODULE, n, None), type) for n in HOOKS)


class EventHandler(Protocol):
    """What a parse calls, with the C module's arguments; only ``stream_end`` returns a value (DONE)."""

    def stream_start(self, start_mark: Any, end_mark: Any, encoding: Any) -> object: ...
    def stream_end(self, start_mark: Any, end_mark: Any) -> object: ...
    def document_start(self, start_mark: Any, end_mark: Any, *more: Any) -> object: ...
    def document_end(self, start_mark: Any, end_mark: Any, explicit: Any) -> object: ...
    def alias(self, anchor: str, start_mark: Any, end_mark: Any) -> object: ...
    def scalar(
        self, anchor: Any, tag: Any, implicit: Any, value: str, start_mark: Any, *more: Any
    ) -> object: ...
    def sequence_start(self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, *more: Any) -> object: ...
    def mapping_start(self, anchor: Any, tag: Any, implicit: Any, start_mark: Any, *more: Any) -> object: ...
    def collection_end(self, start_mark: Any, end_mark: Any) -> object: ...


def parse(text: str, handler: EventHandler, *, hooked: bool = HOOKABLE) -> None:
    """Parse ``text`` into ``handler``'s calls; the parser's and the handler's exceptions propagate."""
    if not hooked or _C_MODULE is None:
        replay(text, handler)
        return
    with _LOCK:
        saved = {name: getattr(_C_MODULE, name) for name in HOOKS}
        try:
            for name, method in HOOKS.items():
                setattr(_C_MODULE, name, getattr(handler, method))
            get_event = CParser(text).get_event
            while get_event() is not DONE:
                pass
        finally:
            for name, cls in saved.items():
                setattr(_C_MODULE, name, cls)


def replay(text: str, handler: EventHandler) -> None:
    """The same calls, from the event objects the parser builds (slower; under the lock that ``parse``
    holds, so that a hooked parse in another thread never hands this one a handler's result)."""
    with _LOCK:
        get_event = CParser(text).get_event
        while True:
            event = get_event()
            if event is None or _replay_one(event, handler) is DONE:
                return


def _replay_one(event: Any, handler: EventHandler) -> object:
    start, end = event.start_mark, event.end_mark
    cls = type(event)
    if cls is ev.ScalarEvent:
        return handler.scalar(event.anchor, event.tag, event.implicit, event.value, start, end, event.style)
    if cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
        method = handler.mapping_start if cls is ev.MappingStartEvent else handler.sequence_start
        return method(event.anchor, event.tag, event.implicit, start, end, event.flow_style)
    if cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
        return handler.collection_end(start, end)
    if cls is ev.AliasEvent:
        return handler.alias(event.anchor, start, end)
    if cls is ev.DocumentStartEvent:
        return handler.document_start(start, end, event.explicit, event.version, event.tags)
    if cls is ev.DocumentEndEvent:
        return handler.document_end(start, end, event.explicit)
    if cls is ev.StreamStartEvent:
        return handler.stream_start(start, end, event.encoding)
    if cls is ev.StreamEndEvent:
        return handler.stream_end(start, end)
    return None
