"""What an apply notes of the one YAML document an object came from, so that a later load knows the
object from the document's text alone (``manikit.plan.textual``): the digest of the text (salted with
everything else loading depends on), the digest of what apply sends, and what loading would say of
the document without parsing it: where the object starts in it, and its identity as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TextRecord:
    digest: str  # the document's text, salted (``textual.text_salt``)
    sent: str  # what apply sends for the object (``unchanged.digest_of_sent``)
    line: int  # the object's line, counted from the document's first line (0: that line)
    api_version: str  # the object's key's (``ObjectKey.api_version``)
    #: the document as written, as duplicate detection reads it (``pipeline.DocKey``)
    written_api_version: str
    written_kind: str
    written_namespace: str | None
    written_name: str

    def to_note(self) -> list[Any]:
        return [
            self.digest,
            self.sent,
            self.line,
            self.api_version,
            self.written_api_version,
            self.written_kind,
            self.written_namespace,
            self.written_name,
        ]

    @classmethod
    def from_note(cls, values: Sequence[Any]) -> TextRecord | None:
        """The record ``to_note`` wrote; None for anything else (a note of another manikit)."""
        if len(values) != 8:
            return None
        digest, sent, line, api_version, written_api_version, kind, namespace, name = values
        # plain checks, no generator: a load reads one note per object
        if type(line) is not int or line < 0 or not (namespace is None or type(namespace) is str):
            return None
        texts = (digest, sent, api_version, written_api_version, kind, name)
        if type(digest) is str and type(sent) is str and {type(v) for v in texts} == {str}:
            return cls(digest, sent, line, api_version, written_api_version, kind, namespace, name)
        return None
