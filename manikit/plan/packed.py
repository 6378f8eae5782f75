"""A desired object's body and manifest as bytes: what a worker process sends back when it loads a
piece of a big file, unpacked by the parent only where a plan reads them.

marshal writes and reads plain data (dicts, lists, strings, numbers, None) in C, several times faster
than pickling the same dicts, and a plan of 10,000 objects of which 100 changed unpacks 100. The
manifest is written without marshal's back-references (format 2), so that a subtree a YAML alias
shares is unpacked as separate copies, as the sequential path's copy of the manifest makes them.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]

_BODY_FORMAT = 4  # back-references: the keys a model's dump shares are written once
_MANIFEST_FORMAT = 2  # none: a shared (aliased) subtree is unpacked as separate copies


@dataclass(frozen=True, slots=True)
class Packed:
    body: bytes
    manifest: bytes | None

    @classmethod
    def of(cls, body: Body, manifest: Body | None) -> Packed | None:
        """``body`` and ``manifest`` packed; None when they hold something marshal cannot write
        (never from YAML or a model's JSON dump: a caller then keeps them as they are)."""
        try:
            return cls(
                marshal.dumps(body, _BODY_FORMAT),
                None if manifest is None else marshal.dumps(manifest, _MANIFEST_FORMAT),
            )
        except ValueError:
            return None

    def unpack_body(self) -> Body:
        body: Body = marshal.loads(self.body)
        return body

    def unpack_manifest(self) -> Body | None:
        if self.manifest is None:
            return None
        manifest: Body = marshal.loads(self.manifest)
        return manifest
