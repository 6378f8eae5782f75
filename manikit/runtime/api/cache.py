"""An informer-like cache of current objects, kept fresh from the store's history.

Controllers read the whole cluster many times per reconcile pass; decoding 10,000 pod bodies each
time would dominate. The cache loads a kind once, then follows the history since its revision (its
own writes included), like a Kubernetes shared informer. Cached bodies are shared: read-only.
"""

from __future__ import annotations

from manikit.runtime.store import Body, Store

Key = tuple[str, str]  # (namespace, name)


class ObjectCache:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._kinds: dict[str, dict[Key, Body]] = {}
        self._sorted: dict[str, list[Key]] = {}  # per kind, dropped when a key comes or goes
        self._bodies: dict[str, list[Body]] = {}  # per kind, in key order, dropped on any write
        self._written: dict[str, int] = {}  # per kind, the revision of its last write seen
        self._changed: dict[str, int] = {}  # the same, of its last write of more than a status
        self._revision = store.revision()

    def objects(self, kind: str) -> dict[Key, Body]:
        """Every current object of ``kind``, keyed by (namespace, name), as of the store's revision."""
        self.refresh()
        table = self._kinds.get(kind)
        if table is None:
            table = {(o.namespace, o.name): o.body for o in self._store.list(kind)}
            self._kinds[kind] = table
            self._written[kind] = self._changed[kind] = self._revision
        return table

    def seed(self, revision: int, kinds: dict[str, dict[Key, Body]]) -> None:
        """Take each of ``kinds`` not loaded yet as given, instead of reading it from the store when
        first asked for: each table the complete set of its kind at ``revision`` (its bodies as the
        store reads them back, shared: read-only). Nothing is taken unless the store is still at
        ``revision``."""
        self.refresh()
        if revision != self._revision or revision != self._store.revision():
            return
        for kind, table in kinds.items():
            if kind not in self._kinds:
                self._kinds[kind] = table
                self._written[kind] = self._changed[kind] = revision

    def sorted_keys(self, kind: str) -> list[Key]:
        """The keys of ``objects(kind)`` in order (shared: read-only); sorted again only after an
        object of the kind was created or deleted, not after every write."""
        table = self.objects(kind)
        keys = self._sorted.get(kind)
        if keys is None:
            keys = self._sorted[kind] = sorted(table)
        return keys

    def bodies(self, kind: str) -> list[Body]:
        """The bodies of ``objects(kind)`` in key order (shared: read-only); listed again only
        after a write to an object of the kind."""
        table = self.objects(kind)
        found = self._bodies.get(kind)
        if found is None:
            found = self._bodies[kind] = [table[k] for k in self.sorted_keys(kind)]
        return found

    def written_at(self, kind: str) -> int:
        """The revision of the last write to an object of ``kind`` (at most the revision the kind
        was loaded at): it changes whenever an object of the kind is created, written or deleted."""
        self.objects(kind)
        return self._written[kind]

    def changed_at(self, kind: str) -> int:
        """Like ``written_at``, but not moved by a write that changed nothing but an object's status
        (and resourceVersion, managedFields): what reads no more than the rest of metadata and the
        spec need not look again."""
        self.objects(kind)
        return self._changed[kind]

    def refresh(self) -> None:
        current = self._store.revision()
        if current == self._revision:
            return
        if not self._kinds:
            self._revision = current
            return
        for entry in self._store.history(self._revision, list(self._kinds)):
            key = (entry.namespace, entry.name)
            self._apply(entry.kind, key, entry.op != "DELETED", entry.body, entry.revision)
        self._revision = current

    def wrote(self, kind: str, key: Key, revision: int, body: Body | None, *, status: bool = False) -> None:
        """Our own write at ``revision`` (of the status subresource: ``status``), applied directly
        when nothing else came in between."""
        if revision != self._revision + 1:
            return  # someone else wrote; the next refresh replays the history, ours included
        self._revision = revision
        self._apply(kind, key, body is not None, body, revision, status)

    def _apply(
        self, kind: str, key: Key, present: bool, body: Body | None, revision: int, status: bool = False
    ) -> None:
        table = self._kinds.get(kind)
        if table is None:
            return
        self._bodies.pop(kind, None)
        self._written[kind] = revision
        if present and body is not None:
            old = table.get(key)
            if old is None:
                self._sorted.pop(kind, None)
            if old is None or not (status or _only_status(old, body)):
                self._changed[kind] = revision
            table[key] = body
        else:
            self._changed[kind] = revision
            if table.pop(key, None) is not None:
                self._sorted.pop(kind, None)


_MISSING = object()


#: what a write of the status subresource changes in metadata
_STATUS_META = ("resourceVersion", "managedFields")


def _only_status(old: Body, new: Body) -> bool:
    """Whether ``new`` differs from ``old`` in its status, resourceVersion and managedFields at most
    (the other parts of a status write are the old body's: mostly identity checks)."""
    if len(old) - ("status" in old) != len(new) - ("status" in new):
        return False
    for part, value in new.items():
        if part not in ("status", "metadata") and old.get(part, _MISSING) != value:
            return False
    meta, old_meta = new["metadata"], old["metadata"]
    if len(meta) - ("managedFields" in meta) != len(old_meta) - ("managedFields" in old_meta):
        return False
    return all(k in _STATUS_META or old_meta.get(k, _MISSING) == v for k, v in meta.items())
