"""A desired object packed in bytes: what a worker process sends back for an object the plan will
most likely not read (the state recorded it as applied from the same manifest), unpacked by the
parent only if the plan reads it after all.

marshal writes plain data (dicts, lists, strings, numbers, None) in C, several times faster than
pickling the same dicts, and nothing is read back until asked for. The manifest is written without
marshal's back-references (format 2), so that a subtree a YAML alias shares is unpacked as separate
copies, as the sequential path's copy of the manifest makes them. Such an object is sent without
its body (the worker leaves out its defaulting): when read, the body is made from the manifest here,
by the same validation and defaulting. An object known from its document's text alone
(``manikit.plan.textual``) is packed as that text: read, it is parsed, then made as any other.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any

import orjson

from manikit.errors import ManikitError
from manikit.models.registry import KINDS
from manikit.plan.normalize import desired_body
from manikit.source.documents import load_text
from manikit.source.reader import SourceText
from manikit.validate.semantic import validate_model

Body = dict[str, Any]

_BODY_FORMAT = 4  # back-references: the keys a model's dump shares are written once
_MANIFEST_FORMAT = 2  # none: a shared (aliased) subtree is unpacked as separate copies


@dataclass(frozen=True, slots=True)
class Packed:
    body: bytes | None  # None: left out, made from the manifest when read
    manifest: bytes | None
    namespace: str = "default"  # the manifests' default namespace, for a body made later
    #: the one YAML document the object is, as text (``manikit.plan.textual``): the manifest is
    #: parsed from it when read, with ``text_namespace``, the namespace defaulting gives the object
    text: str | None = None
    text_namespace: str | None = None

    @classmethod
    def of_text(cls, text: str, namespace: str, object_namespace: str | None) -> Packed:
        return cls(None, None, namespace, text, object_namespace)

    @classmethod
    def of(cls, body: Body | None, manifest: Body | None, namespace: str = "default") -> Packed | None:
        """``body`` and ``manifest`` packed; None when they hold something marshal cannot write
        (never from YAML or a model's JSON dump: a caller then keeps them as they are)."""
        if body is None and manifest is None:
            raise ValueError("a packed object needs its body or its manifest")
        try:
            return cls(
                None if body is None else marshal.dumps(body, _BODY_FORMAT),
                None if manifest is None else marshal.dumps(manifest, _MANIFEST_FORMAT),
                namespace,
            )
        except ValueError:
            return None

    def unpack_body(self) -> Body:
        if self.body is None:
            return defaulted(self.unpack_manifest(), self.namespace)
        body: Body = marshal.loads(self.body)
        return body

    def unpack_manifest(self) -> Body | None:
        if self.text is not None:
            return _parsed(self.text, self.text_namespace)
        if self.manifest is None:
            return None
        manifest: Body = marshal.loads(self.manifest)
        return manifest


def defaulted(manifest: Body | None, namespace: str) -> Body:
    """A manifest that validated when it was loaded, validated and defaulted again as loading does."""
    if manifest is None:
        raise ManikitError("internal: an object packed without its body has no manifest either")
    info = KINDS[(str(manifest["apiVersion"]).strip(), str(manifest["kind"]).strip())]
    return desired_body(validate_model(info.model, manifest), namespace, owned=True)


def _parsed(text: str, namespace: str | None) -> Body:
    """The manifest of a document loaded before from the same text (one document, one object)."""
    documents = load_text(SourceText("<document>", text)).documents
    if len(documents) != 1 or not isinstance(documents[0].data, dict):
        raise ManikitError("internal: a document known from its text no longer parses into one object")
    return written(documents[0].data, namespace)


def written(data: Any, namespace: str | None, *, copy: bool = True, plain: bool = False) -> Body:
    """The manifest as its file says it (what server-side apply sends, so that manikit owns exactly
    the fields it sets), as plain JSON data, with the namespace the object gets. Without ``copy`` it
    shares ``data``'s nodes below the top where they are already plain (only strings as keys), for a
    caller that copies it anyway; ``plain``: the caller knows they are (``keys_are_strings``)."""
    out: Body = dict(_plain(data) if copy or not (plain or keys_are_strings(data)) else data)
    if namespace:
        out["metadata"] = {**(out.get("metadata") or {}), "namespace": namespace}
    return out


def keys_are_strings(data: Any) -> bool:
    """Whether every mapping key in ``data`` is a string (orjson refuses any other, in C; it refuses
    integers beyond 64 bits too, which then take the copy: slower, never wrong)."""
    try:
        orjson.dumps(data)
    except TypeError:
        return False
    return True


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
