"""The recorded side of a plan: live objects for the desired keys, and the apply set's members.

An apply set follows the ApplySet standard (``manikit.plan.applyset``): its members are the objects
of the kinds its parent lists that carry ``applyset.kubernetes.io/part-of: <id>``, read through the
``Cluster`` protocol alone, so that a prune deletes exactly what this apply set applied. A set made
by an older manikit (no parent yet) is read the old way and moved to the standard by the next apply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping

from manikit.cluster import Cluster
from manikit.cluster.legacy import LEGACY_LABEL, forget_legacy_inventory, legacy_inventory
from manikit.cluster.recorded import can_list_keys, labelled_keys, object_names
from manikit.errors import NotFoundError, PlanError
from manikit.plan.actions import APPLY_ORDER, Body, ObjectKey
from manikit.plan.applyset import PART_OF_LABEL, ApplySet, group_kind, group_kinds, read_parent, save_parent

DEFAULT_APPLYSET = "default"


def inventory(cluster: Cluster, applyset: str) -> set[ObjectKey]:
    """The apply set's members' keys."""
    return set(members(cluster, applyset, bodies=False)[0])


def members(
    cluster: Cluster, applyset: str, *, bodies: bool = True, keys_needed: bool = True
) -> tuple[set[ObjectKey], dict[ObjectKey, Body]]:
    """The apply set's keys, and the live objects among them (read once). Refuses a parent that
    another tool manages. Without ``bodies``, a cluster that can list keys alone (the local SQLite
    state) answers no objects: callers read the ones they need. Without ``keys_needed`` (a plan
    that prunes nothing), such a cluster lists nothing either: it only says whether it serves each
    kind the parent lists (the same refusal), and the keys answered are none."""
    aset = ApplySet.named(applyset)
    parent = read_parent(cluster, aset)
    if parent is None:
        return _legacy_members(cluster, applyset)
    found: dict[ObjectKey, Body] = {}
    keys: set[ObjectKey] = set()
    for kind, group in group_kinds(parent):
        wanted = f"{kind}.{group}" if group else kind
        try:
            if not (bodies or keys_needed) and can_list_keys(cluster, kind):
                continue
            listed = None if bodies else labelled_keys(cluster, kind, aset.member_labels)
            if listed is None:
                for body in cluster.list(kind, None, aset.member_labels):
                    key = ObjectKey.of(body)
                    if group_kind(key) == wanted:
                        found[key] = body
                continue
        except NotFoundError as exc:
            raise PlanError(
                f"{aset} lists members of kind {kind}{'.' + group if group else ''}, which this cluster "
                f"does not serve: {exc}"
            ) from exc
        for (_, namespace, name), api_version in listed:
            key = ObjectKey(kind, namespace, name, api_version)
            if group_kind(key) == wanted:
                keys.add(key)
    return keys | set(found), found


def _legacy_members(cluster: Cluster, applyset: str) -> tuple[set[ObjectKey], dict[ObjectKey, Body]]:
    """A set without a parent: the old inventory plus anything with the old label (none for a new set)."""
    keys = {ObjectKey(*k) for k in legacy_inventory(cluster, applyset)}
    found: dict[ObjectKey, Body] = {}
    for kind in APPLY_ORDER:
        for body in cluster.list(kind, None, {LEGACY_LABEL: applyset}):
            key = ObjectKey.of(body)
            keys.add(key)
            found[key] = body
    return keys, found


#: a kind with at least this many keys to read has the names of its objects listed once (no body
#: decoded): each key whose name is not among them is absent without a read of its own
LISTED_FROM = 16


class LiveObjects(Mapping[ObjectKey, Body]):
    """The live object of each key, read when first asked for (``known``: objects already read) and
    dropped with ``release`` once planned, so that a plan of many objects holds only the ones it
    changes. Iterating gives the keys found so far.

    ``wanted``: the keys the plan will ask for. Where the cluster lists keys alone (the local state,
    ``object_names``), a kind wanted ``LISTED_FROM`` times or more has its objects' names read in one
    query, and a key of that kind whose name no object of the kind has (in any namespace) is absent
    without a read: a plan into an empty state reads none of its 10,000 objects one by one."""

    def __init__(
        self, cluster: Cluster, known: dict[ObjectKey, Body] | None = None, wanted: Iterable[ObjectKey] = ()
    ) -> None:
        self._cluster = cluster
        self._bodies: dict[ObjectKey, Body] = dict(known or {})
        self._present: set[ObjectKey] = set(self._bodies)
        self._absent: set[ObjectKey] = set()
        counts = Counter(key.kind for key in wanted)
        #: per kind listed: the names its objects have (None: not listed yet)
        self._names: dict[str, set[str] | None] = {k: None for k, n in counts.items() if n >= LISTED_FROM}

    def _read(self, key: ObjectKey) -> Body | None:
        body = self._bodies.get(key)
        if body is not None:
            return body
        if key in self._absent:
            return None
        if self._surely_absent(key):
            self._absent.add(key)
            return None
        body = self._cluster.find(key.kind, key.name, key.namespace or None)
        if body is None:
            self._absent.add(key)
            return None
        self._present.add(key)
        self._bodies[key] = body
        return body

    def _surely_absent(self, key: ObjectKey) -> bool:
        """Whether no object of the key's kind has its name (known without reading it)."""
        kind = key.kind
        if kind not in self._names:
            return False
        names = self._names[kind]
        if names is None:
            try:
                names = object_names(self._cluster, kind)
            except NotFoundError:
                names = None
            if names is None:  # not kept here (or not served): read one by one
                del self._names[kind]
                return False
            self._names[kind] = names
        return key.name not in names

    def __getitem__(self, key: ObjectKey) -> Body:
        body = self._read(key)
        if body is None:
            raise KeyError(key)
        return body

    def get(self, key: ObjectKey, default: Body | None = None) -> Body | None:  # type: ignore[override]
        body = self._read(key) if isinstance(key, ObjectKey) else None
        return default if body is None else body

    def __contains__(self, key: object) -> bool:
        if key in self._present:
            return True
        return isinstance(key, ObjectKey) and self._read(key) is not None

    def __iter__(self) -> Iterator[ObjectKey]:
        return iter(sorted(self._present))

    def __len__(self) -> int:
        return len(self._present)

    def release(self, key: ObjectKey) -> None:
        """Forget the body (read again if asked for again): the plan is done with it."""
        self._bodies.pop(key, None)


def live_objects(
    cluster: Cluster, keys: Iterable[ObjectKey], known: dict[ObjectKey, Body] | None = None
) -> dict[ObjectKey, Body]:
    """The current object for each key that exists (``known``: objects already read)."""
    found: dict[ObjectKey, Body] = {}
    known = known or {}
    for key in keys:
        body = known.get(key)
        if body is None:
            body = cluster.find(key.kind, key.name, key.namespace or None)
        if body is not None:
            found[key] = body
    return found


def inventory_before_apply(cluster: Cluster, applyset: str) -> tuple[set[ObjectKey], set[ObjectKey] | None]:
    """``inventory``, and for a set without a parent yet (a new set, or an older manikit's) the keys
    ``save_inventory`` moves to the standard (``legacy``): read before an apply writes, as the one read
    of both."""
    aset = ApplySet.named(applyset)
    if read_parent(cluster, aset) is None:
        keys = _legacy_members(cluster, applyset)[0]
        return set(keys), set(keys)
    return inventory(cluster, applyset), None


def save_inventory(
    cluster: Cluster, applyset: str, keys: Iterable[ObjectKey], legacy: Collection[ObjectKey] | None = None
) -> None:
    """Bring the set's parent up to date with ``keys``, the members after an apply. The first save of a
    set an older manikit made labels its members as the standard says and forgets the old inventory.
    ``legacy``: that set's members as ``inventory_before_apply`` read them, before the apply's writes
    (None: read here). Those writes can only take the old label away (apply sends the member label
    instead, deletes remove), so the members read then are the ones read now and maybe more: deleted
    since, or labelled as the standard says already, which the move skips (each is read again)."""
    aset = ApplySet.named(applyset)
    keys = set(keys)
    if read_parent(cluster, aset) is None:
        _migrate(cluster, aset, keys, legacy)
    save_parent(cluster, aset, keys)


def _migrate(
    cluster: Cluster, aset: ApplySet, keys: set[ObjectKey], legacy: Collection[ObjectKey] | None = None
) -> None:
    """Label the members an older manikit recorded (the members just applied carry the label)."""
    if legacy is None:
        old_keys, known = _legacy_members(cluster, aset.name)
    else:
        old_keys, known = set(legacy), {}
    for key in sorted(keys & old_keys):
        body = known.get(key) or cluster.find(key.kind, key.name, key.namespace or None)
        if body is None:
            continue
        labels = dict((body.get("metadata") or {}).get("labels") or {})
        if labels.get(PART_OF_LABEL) == aset.id and LEGACY_LABEL not in labels:
            continue
        labels.pop(LEGACY_LABEL, None)
        labels[PART_OF_LABEL] = aset.id
        cluster.update({**body, "metadata": {**body["metadata"], "labels": labels}})
    forget_legacy_inventory(cluster, aset.name)
