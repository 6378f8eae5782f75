"""Finding damage in stored objects: a body that its kind's model refuses, or that lacks what the
store sets on every write. Used when a command fails unexpectedly (to tell a damaged state from a
bug) and by ``manikit state check``; too slow for every read, cheap next to a failed command."""

from __future__ import annotations

from manikit.errors import InvalidError, NotFoundError
from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.api.objects import validate
from manikit.runtime.store import Store

MAX_REPORTED = 5


def find_damage(store: Store) -> list[str]:
    """``Kind/namespace/name: what is wrong`` for each stored object that cannot be what it claims."""
    found: list[str] = []
    for kind in API_KINDS:
        for stored in store.list(kind):
            problem = _problem(kind, stored.body)
            if problem:
                where = "/".join(p for p in (kind, stored.namespace, stored.name) if p)
                found.append(f"{where}: {problem[:300]}")
                if len(found) == MAX_REPORTED:
                    return found
    return found


def _problem(kind: str, body: dict[str, object]) -> str:
    meta = body.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("resourceVersion"), str):
        return "metadata.resourceVersion is missing"
    if body.get("kind") != kind:
        return f"it is stored as a {kind} but says kind {str(body.get('kind'))[:40]!r}"
    try:
        validate(body)
    except (InvalidError, NotFoundError) as exc:
        return exc.message
    except (TypeError, ValueError, RecursionError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""
