"""Reads of the local control plane's SQLite state that decode no body, for plans of many objects:
the keys of a kind's objects carrying given labels, and what manikit's applies left behind.

What an apply left: for each object, a digest of the manifest manikit applied and the
resourceVersion that apply produced, kept in the store's notes (topic ``applied``) in the apply's
own transaction. An object still at that resourceVersion is exactly what that apply made (any later
write, by any manager or controller, moves it). An object whose resourceVersion moved still counts
when its settled view (``manikit.cluster.settled``: everything a plan compares, and manikit's own
Apply entry of managedFields) is the one the apply left, noted beside: what the controllers wrote
since (status, bookkeeping annotations) is nothing a plan reads; ``manikit apply`` makes that check
once after its reconcile and moves such a note to the version the controllers left
(``refresh_applied``), so that plans do not repeat it. Beside it (topic
``applied-text``), what the plan layer knows of the document the manifest came from
(``manikit.plan.textrecord``), kept as it is here and read only by a load. Remote clusters and the
etcd backend keep none: there every function here answers None and callers read the objects
themselves.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manikit.cluster.local import LocalCluster
from manikit.cluster.protocol import Body, Cluster
from manikit.cluster.settled import same_view, settled_digest, settled_digest_of_text
from manikit.runtime.api import Api
from manikit.runtime.api.kinds import kind_info
from manikit.runtime.store import codec
from manikit.runtime.store.sqlite import SqliteStore

APPLIED_TOPIC = "applied"
TEXT_TOPIC = "applied-text"

#: (kind, namespace, name): the namespace is "" for a cluster-scoped object
Key = tuple[str, str, str]


@dataclass(frozen=True)
class AppliedRecord:
    """What manikit's applies left of the objects still as they made them."""

    digests: dict[Key, str] = field(default_factory=dict)  # the manifest digest, as ``applied_digests``
    extras: dict[Key, list[Any]] = field(default_factory=dict)  # what was noted beside (``TEXT_TOPIC``)


def _sqlite(cluster: Cluster) -> SqliteStore | None:
    if isinstance(cluster, LocalCluster) and isinstance(cluster.store, SqliteStore):
        return cluster.store
    return None


def labelled_keys(cluster: Cluster, kind: str, labels: dict[str, str]) -> list[tuple[Key, str]] | None:
    """Each object of ``kind`` carrying ``labels``, as its key and apiVersion (None: not kept here).
    A kind the cluster does not serve is a ``NotFoundError``, as ``Cluster.list`` answers."""
    store = _sqlite(cluster)
    if store is None:
        return None
    kind_info(kind)
    return [((kind, ns, name), api_version) for ns, name, api_version, _ in store.list_keys(kind, labels)]


def object_names(cluster: Cluster, kind: str) -> set[str] | None:
    """The names of the objects of ``kind``, in every namespace (None: not kept here), read from the
    state's key index without a body. A kind the cluster does not serve is a ``NotFoundError``."""
    store = _sqlite(cluster)
    if store is None:
        return None
    kind_info(kind)
    return store.names(kind)


def can_list_keys(cluster: Cluster, kind: str) -> bool:
    """Whether ``labelled_keys`` would answer for ``kind`` without listing (False: not kept here). A
    kind the cluster does not serve is a ``NotFoundError``, as there."""
    if _sqlite(cluster) is None:
        return False
    kind_info(kind)
    return True


def applied_digests(cluster: Cluster) -> dict[Key, str] | None:
    """The manifest digest of each object still at the resourceVersion manikit's last apply of it
    produced (None: this cluster keeps no record of applies)."""
    store = _sqlite(cluster)
    return None if store is None else _current(store, extras=False).digests


def applied_record(cluster: Cluster) -> AppliedRecord | None:
    """``applied_digests`` with what was noted beside each (None: no record kept here)."""
    store = _sqlite(cluster)
    return None if store is None else _current(store)


def peek_applied_digests(path: Path) -> dict[Key, str] | None:
    """``applied_digests`` of the state file at ``path``, read without opening the cluster: a hint
    taken before the cluster is opened, never trusted for a decision. Read as an immutable file, so
    that nothing is created, locked or written (not even SQLite's -wal and -shm files); writes still
    in another process's write-ahead log are not seen (a stale hint). None when the file cannot be
    read so, or is no state."""
    record = peek_applied_record(path, extras=False)
    return None if record is None else record.digests


def peek_applied_record(path: Path, *, extras: bool = True) -> AppliedRecord | None:
    """``applied_record`` of the state file at ``path``, read as ``peek_applied_digests`` reads it;
    an object written since its apply is taken as still settled where a settled view was noted, without
    reading it (the plan reads it, and parses its document only if it changed after all)."""
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True, timeout=1.0)
    except (sqlite3.Error, ValueError):
        return None
    try:
        return _current(SqliteStore(conn, str(path)), extras=extras, check=False)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def _current(store: SqliteStore, *, extras: bool = True, check: bool = True) -> AppliedRecord:
    """The notes of objects still as manikit's apply left them; without ``check``, also every object
    written since whose settled view was noted (not read: a hint)."""
    notes = store.notes_of(APPLIED_TOPIC)
    beside = store.notes_of(TEXT_TOPIC) if extras else {}
    versions = store.versions()  # read last: a write in between moves a version past its note
    current = AppliedRecord()
    moved: list[_Moved] = []
    for text, value in notes.items():
        key = _key(text)
        if key is None or not isinstance(value, list) or len(value) not in (2, 3):
            continue
        digest, version = value[0], value[1]
        if not isinstance(digest, str):
            continue
        if versions.get(key) == version:
            _keep(current, key, text, digest, beside)
        elif key in versions and len(value) == 3 and isinstance(value[2], str):
            moved.append((key, text, digest, value[2]))
    # written since (a controller's status, another manager's edit...): still as the apply left it
    # where all a plan compares is the same (read after ``versions``: what the plan reads is as new)
    if not check:
        for key, text, digest, _ in moved:
            _keep(current, key, text, digest, beside)
        return current
    for key, text, digest, _, _ in _still_settled(store, moved):
        _keep(current, key, text, digest, beside)
    return current


#: a note of an object written since: its key, the note's key, the manifest and settled digests
_Moved = tuple[Key, str, str, str]


def _still_settled(store: SqliteStore, moved: Sequence[_Moved]) -> Iterator[tuple[Key, str, str, str, int]]:
    """Each of ``moved`` whose stored object's settled view is still the noted one, with the revision
    of the object read (``manikit.cluster.settled``)."""
    wanted = {key: (text, digest, settled) for key, text, digest, settled in moved}
    for key, rev, body in store.texts(wanted):
        text, digest, settled = wanted[key]
        if settled_digest_of_text(body) == settled:
            yield key, text, digest, settled, rev


def refresh_applied(cluster: Cluster) -> int:
    """Move the note of each object written since manikit's apply whose settled view is still the
    noted one (the controllers wrote its status) to the object's current resourceVersion, in one
    transaction; returns how many moved. A plan then takes such an object as the apply left it from
    the revision alone, where it would otherwise read and digest it first (``_current``): the same
    answer, since the check is the one a plan makes, made once here instead of at every plan, and
    any later write moves the version past the note again. None of this where no record is kept.

    SQLite picks the notes whose version moved and reads the bodies of those objects alone
    (``SqliteStore.moved_notes``): after an apply of 10,000 objects, the 5,000 Deployments the
    controllers wrote, without decoding the other notes or listing every version. After a reconcile
    in this process, the bodies of those Deployments are the ones the controllers' view holds
    (``cluster.deployments.controllers_view``), where it holds them at that revision: none is read or
    decoded again. The same notes are written as ``_refresh_all`` writes them."""
    store = _sqlite(cluster)
    if store is None:
        return 0
    from manikit.cluster.deployments import controllers_view  # its imports: for what reconciled here

    view = controllers_view(cluster)
    with store.transaction():  # the write lock: nothing is written between the read and the note
        try:
            moved = list(_moved_notes(store, bodies=view is None))
        except sqlite3.Error:  # what SQLite's JSON functions cannot read (a damaged note): as before
            return _refresh_all(store)
        if view is not None:
            moved = _with_bodies(store, view, moved)
        return _move(store, moved)


#: a note a refresh checks: its object's key, the note's key, its digests, and the object's current
#: revision and body (its stored text, or the body itself as the controllers' view holds it)
_Checked = tuple[Key, str, str, str, int, str | dict[str, Any] | None]


def _moved_notes(store: SqliteStore, *, bodies: bool = True) -> Iterator[_Checked]:
    """Each note a refresh checks, as ``_refresh_all`` picks them, with its object's revision and body."""
    for text, value_text, key, rev, body in store.moved_notes(APPLIED_TOPIC, bodies=bodies):
        if _key(text) != key:  # not the object SQLite joined it to ("a/b/c" of kind "a/b"...)
            continue
        value = codec.loads(value_text)
        if not isinstance(value, list) or len(value) != 3:
            continue
        digest, version, settled = value
        if isinstance(digest, str) and isinstance(settled, str) and rev != version:
            yield key, text, digest, settled, rev, body


#: the kinds whose objects the controllers' view holds, all of them, after any reconcile (their
#: controllers list them at every pass): reading one of another kind there would load every object of
#: that kind into it
VIEWED_KINDS = frozenset({"Deployment", "ReplicaSet"})


def _with_bodies(store: SqliteStore, view: Api, moved: list[_Checked]) -> list[_Checked]:
    """``moved`` with each body as the controllers' view holds it (``controllers_view``: decoded once,
    by them), where it holds the object at the revision SQLite found (each revision is one write of one
    object); the stored text of the others."""
    found: list[_Checked] = []
    unread: dict[Key, _Checked] = {}
    for key, text, digest, settled, rev, _ in moved:
        kind, namespace, name = key
        body = view.find(kind, name, namespace) if kind in VIEWED_KINDS else None
        meta = None if body is None else body.get("metadata")
        if isinstance(meta, dict) and meta.get("resourceVersion") == str(rev):
            found.append((key, text, digest, settled, rev, body))
        else:
            unread[key] = (key, text, digest, settled, rev, None)
    for key, rev, stored in store.texts(unread) if unread else ():
        _, text, digest, settled, noted_rev, _ = unread[key]
        if rev == noted_rev:  # as SQLite found it (inside this transaction: always)
            found.append((key, text, digest, settled, rev, stored))
    return found


#: per store, the objects manikit's applies in this process left (``note_applied``: each answer and
#: the digest of its settled view), until the next refresh: a body the controllers wrote since that
#: shares its view with it (``settled.same_view``) is known to have that digest without a new one
_LEFT: weakref.WeakKeyDictionary[SqliteStore, dict[Key, tuple[Body, str]]] = weakref.WeakKeyDictionary()


def _move(store: SqliteStore, moved: Sequence[_Checked]) -> int:
    left = _LEFT.pop(store, {})
    count = 0
    for key, text, digest, settled, rev, body in moved:
        # a body missing from the history (damage) has no view: the plan reads it, and says so
        if body is None:
            continue
        if isinstance(body, dict):
            then = left.get(key)
            same = then is not None and then[1] == settled and same_view(then[0], body)
            if not (same or settled_digest(body) == settled):
                continue
        elif settled_digest_of_text(body) != settled:
            continue
        store.put_note(APPLIED_TOPIC, text, [digest, rev, settled])
        count += 1
    return count


def _refresh_all(store: SqliteStore) -> int:
    """``refresh_applied`` from every note and every version (the general path; inside its transaction)."""
    notes = store.notes_of(APPLIED_TOPIC)
    versions = store.versions()
    moved: list[_Moved] = []
    for text, value in notes.items():
        key = _key(text)
        if key is None or not isinstance(value, list) or len(value) != 3:
            continue
        digest, version, settled = value
        if isinstance(digest, str) and isinstance(settled, str) and versions.get(key, version) != version:
            moved.append((key, text, digest, settled))
    count = 0
    for _, text, digest, settled, rev in _still_settled(store, moved):
        store.put_note(APPLIED_TOPIC, text, [digest, rev, settled])
        count += 1
    return count


def _keep(current: AppliedRecord, key: Key, text: str, digest: str, beside: dict[str, Any]) -> None:
    current.digests[key] = digest
    extra = beside.get(text)
    if isinstance(extra, list):
        current.extras[key] = extra


def note_applied(
    cluster: Cluster,
    key: Key,
    digest: str | None,
    version: str | None,
    extra: Sequence[Any] = (),
    left: Body | None = None,
) -> None:
    """Record that applying the manifest of ``digest`` left ``key`` at ``version`` (inside the apply's
    transaction), as the object ``left`` (the apply's answer: its settled view is noted), with
    ``extra`` (plain JSON values) beside it; ``digest`` None forgets the object (deleted)."""
    store = _sqlite(cluster)
    if store is None:
        return
    text = "/".join(key)
    if digest is None or version is None or not version.isdigit():
        store.delete_note(APPLIED_TOPIC, text)
        store.delete_note(TEXT_TOPIC, text)
        return
    settled = None if left is None else settled_digest(left)
    left_here = _LEFT.setdefault(store, {})
    if settled is None or left is None:
        left_here.pop(key, None)
    else:
        left_here[key] = (left, settled)
    store.put_note(APPLIED_TOPIC, text, [digest, int(version)] + ([] if settled is None else [settled]))
    if extra:
        store.put_note(TEXT_TOPIC, text, list(extra))
    else:
        store.delete_note(TEXT_TOPIC, text)


def _key(text: str) -> Key | None:
    parts = text.split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def note_text(cluster: Cluster, key: Key, extra: Sequence[Any]) -> None:
    """Record ``extra`` beside the note of an object an apply left unchanged (inside its transaction)."""
    store = _sqlite(cluster)
    if store is not None:
        store.put_note(TEXT_TOPIC, "/".join(key), list(extra))
