"""The API server: create, update, update_status, delete, get, list and watch over a ``Store``."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Literal

from manikit.errors import Cause, ConflictError, InvalidError, NotFoundError
from manikit.models.meta import TypeMeta
from manikit.models.selector import LabelSelector, parse_selector
from manikit.runtime.api import admission, bootstrap, deletion, fieldmanager, limits, services
from manikit.runtime.api.allocators import ServiceRanges
from manikit.runtime.api.bootstrap import NAME_LABEL
from manikit.runtime.api.cache import Key, ObjectCache
from manikit.runtime.api.deletion import FOREGROUND
from manikit.runtime.api.kinds import invalid, kind_info, scope
from manikit.runtime.api.objects import (
    STATUS_ON_CREATE,
    body_of,
    deterministic_uid,
    generated_name,
    spec_of,
    to_body,
    validate,
)
from manikit.runtime.api.qos import qos_class
from manikit.runtime.clock import Clock, SimulatedClock, rfc3339
from manikit.runtime.store import Body, EventRecord, HistoryEntry, Store
from manikit.runtime.store.names import group_of, resource_name

Propagation = Literal["Background", "Orphan", "Foreground"]
Selector = LabelSelector | Mapping[str, str] | str | None
#: Kinds whose status writes may set annotations too: kube's Deployment status strategy resets only
#: spec and labels (``deploymentStatusStrategy.PrepareForUpdate``), and the deployment controller
#: writes the revision annotation with the status (``getNewReplicaSet``'s ``UpdateStatus``).
STATUS_SETS_ANNOTATIONS = frozenset({"Deployment"})
#: ``Api.recording`` keeps the objects a batch creates of a kind that held at most this many before
#: (read from the store then): the system Namespaces, the ``kubernetes`` Service
FEW_BEFORE = 64
#: Kinds that may carry ownerReferences to other objects (for orphaning and foreground deletion).
DEPENDENT_KINDS = ("ReplicaSet", "Pod", "Endpoints")
_INSIDE: AbstractContextManager[None] = nullcontext()


class _Created:
    """What a batch (``Api.recording``) created of kinds that held few objects (``FEW_BEFORE``): each
    such kind's bodies, those before read when the batch first wrote the kind, as long as every write
    of the batch came through this Api, one revision after another, and of the kind only creates of
    plain bodies (``objects.body_of``) were made."""

    def __init__(self, revision: int) -> None:
        #: the revision of the batch's last write (at first, the store's when it began)
        self.revision = revision
        #: the kinds written so far: a kind is taken only when its first write is a plain create
        self.touched: set[str] = set()
        self.kinds: dict[str, dict[Key, Body]] = {}


class Api:
    """One view of the control plane. Bodies returned are Kubernetes JSON dicts.

    With ``cached=True`` reads come from an informer-like cache and the bodies are shared:
    treat them as read-only (copy before changing). Without it every read decodes fresh dicts.
    """

    def __init__(self, store: Store, clock: Clock | None = None, *, cached: bool = False) -> None:
        self.store = store
        self.clock: Clock = clock or SimulatedClock()
        self._cache = ObjectCache(store) if cached else None
        self._allocations: services.Allocations | None = None
        #: the Namespaces creates looked up, as of a store revision (``_namespace``)
        self._namespaces: tuple[int, dict[str, Body | None]] = (-1, {})
        #: what the open ``recording`` has seen created; then, once it committed, until taken
        self._recording: _Created | None = None
        self._created: _Created | None = None

    # Views, transactions, revisions ------------------------------------------------------------------
    def cached(self) -> Api:
        """A cached view over the same store and clock, for controllers."""
        return Api(self.store, self.clock, cached=True)

    def dry_run(self) -> Api:
        """An API over an in-memory copy of the state: writes there never reach the file."""
        clock = SimulatedClock(self.clock.now())
        return Api(self.store.copy_in_memory(), clock)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (nested: a savepoint)."""
        try:
            with self.store.transaction():
                yield
        except BaseException:
            if self._cache is not None:
                self._cache = ObjectCache(self.store)
            self._allocations = None
            self._namespaces = (-1, {})
            self._recording = None  # the bodies it kept may be of writes rolled back
            raise

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Keep, for the controllers' cached view (``take_created``, ``seed``), the bodies the
        writes inside create of kinds that hold few objects when it begins (``FEW_BEFORE``): the
        complete set of such a kind as of the block's commit, without decoding them again. Only
        around a whole transaction (else nothing is kept), and only when nothing changes a body it
        returned afterwards: those bodies are shared, read-only, with the view."""
        self._created = None
        if self.store.in_transaction:
            yield
            return
        self._recording = _Created(self.store.revision())
        try:
            yield
            kept = self._recording
            if kept is not None and kept.kinds and not self.store.in_transaction:
                self._created = kept
        finally:
            self._recording = None

    def take_created(self) -> tuple[int, dict[str, dict[Key, Body]]] | None:
        """What the last ``recording`` kept (once): the revision of its commit and, per kind it
        created from empty, every object of the kind by (namespace, name). None: nothing kept."""
        created, self._created = self._created, None
        return None if created is None else (created.revision, created.kinds)

    def seed(self, revision: int, kinds: dict[str, dict[Key, Body]]) -> None:
        """A cached view: take each of ``kinds`` it has not read yet as ``take_created`` gave it (the
        bodies shared, read-only), if the store is still at ``revision``."""
        if self._cache is not None:
            self._cache.seed(revision, kinds)

    def _atomic(self) -> AbstractContextManager[None]:
        """For an operation that writes once: a transaction of its own unless one is open (no
        savepoint needed, since a failure leaves nothing written)."""
        return _INSIDE if self.store.in_transaction else self.transaction()

    def revision(self) -> int:
        return self.store.revision()

    @property
    def identity(self) -> str:
        return self.store.identity

    def ensure_system_namespaces(self) -> None:
        """The system namespaces and the ``kubernetes`` Service (``bootstrap``)."""
        bootstrap.bootstrap(self)

    # Reads ------------------------------------------------------------------------------------------
    def find(self, kind: str, name: str, namespace: str | None = None) -> Body | None:
        ns = scope(kind, namespace)
        if self._cache is not None:
            return self._cache.objects(kind).get((ns, name))
        stored = self.store.get(kind, ns, name)
        return None if stored is None else stored.body

    def get(self, kind: str, name: str, namespace: str | None = None) -> Body:
        found = self.find(kind, name, namespace)
        if found is None:
            raise NotFoundError.of(resource_name(kind), name, group_of(kind))
        return found

    def list(self, kind: str, namespace: str | None = None, selector: Selector = None) -> builtins.list[Body]:
        """Objects of ``kind`` (in ``namespace``, or all), matching a label selector; sorted."""
        kind_info(kind)
        ns = None if namespace is None else scope(kind, namespace)
        chosen = _selector(selector)
        equal = dict(chosen.match_labels or {}) if chosen is not None else {}
        if self._cache is not None:
            if ns is None:
                found = list(self._cache.bodies(kind))
            else:
                table = self._cache.objects(kind)
                found = [table[k] for k in self._cache.sorted_keys(kind) if k[0] == ns]
        else:
            found = [o.body for o in self.store.list(kind, ns, equal)]
        if chosen is None or (not chosen.match_expressions and self._cache is None):
            return found
        return [b for b in found if chosen.matches(b["metadata"].get("labels") or {})]

    def written_at(self, kind: str) -> int:
        """A revision that changes whenever an object of ``kind`` is created, written or deleted:
        with the cache, that of the kind's last write; without it, the store's."""
        if self._cache is not None:
            return self._cache.written_at(kind)
        return self.store.revision()

    def changed_at(self, kind: str) -> int:
        """Like ``written_at``, but not moved by writes that changed only an object's status."""
        if self._cache is not None:
            return self._cache.changed_at(kind)
        return self.store.revision()

    def watch(self, since: int, kinds: builtins.list[str] | None = None) -> Iterator[HistoryEntry]:
        """Every write after revision ``since`` (``op`` ADDED, MODIFIED or DELETED), oldest first."""
        return self.store.history(since, kinds)

    # Writes -----------------------------------------------------------------------------------------
    def create(
        self,
        obj: TypeMeta | Mapping[str, Any],
        namespace: str | None = None,
        *,
        trusted: bool = False,
        manager: str | None = None,
        handed_over: bool = False,
    ) -> Body:
        """Create an object; with a ``manager``, its managedFields record the create as theirs (the
        defaults filled in too, not what the server allocates). ``handed_over``: ``obj`` is the
        caller's no more and its managedFields are plain JSON the API made (``objects.to_body``)."""
        kind, body, plain = body_of(obj, namespace, trusted, handed_over=handed_over)
        meta = body["metadata"]
        ns = scope(kind, meta.get("namespace"))
        with self._atomic():
            if not meta.get("name"):
                if not meta.get("generateName"):
                    why = "Required value: name or generateName is required"
                    raise invalid(kind, "", Cause.of("metadata.name", why))
                seed = f"{ns}/{meta['generateName']}/{self.store.revision()}"
                meta["name"] = generated_name(meta["generateName"], seed)
            name = meta["name"]
            if ns:
                admission.check_namespace(kind, name, self._namespace(ns), ns)
            meta.pop("resourceVersion", None)
            meta["uid"] = deterministic_uid(kind, ns, name, self.store.revision())
            meta["creationTimestamp"] = rfc3339(self.clock.now())
            meta["generation"] = 1
            limits.check_replicas(kind, body)
            fieldmanager.record(self, None, body, manager)
            self._prepare_create(kind, body)
            revision = self.store.create(kind, ns, name, body)
            if ns:  # the only write since ``_namespace`` read: the namespaces it saw are current
                self._namespaces = (revision, self._namespaces[1])
            self._wrote(kind, ns, name, revision, body, created=True, plain=plain)
        return body

    def _prepare_create(self, kind: str, body: Body) -> None:
        if kind in STATUS_ON_CREATE:
            status = STATUS_ON_CREATE[kind]
            if status is None:
                body.pop("status", None)
            else:
                body["status"] = dict(status)
        if kind == "Namespace":
            _label_namespace(body)
        if kind == "Pod":
            body["status"] = {"phase": "Pending", "qosClass": qos_class(body["spec"])}
            deletion.add_default_tolerations(body["spec"])
        elif kind == "Service":
            services.allocate(body, self._service_allocations())

    def update(
        self,
        obj: TypeMeta | Mapping[str, Any],
        *,
        trusted: bool = False,
        manager: str | None = None,
        subresource: str | None = None,
    ) -> Body:
        """Replace an object's spec and metadata (its status is kept; see ``update_status``).

        A ``metadata.resourceVersion`` in ``obj`` must be current, else ``ConflictError``; without
        one the update applies to the version read here (still atomic against other writers). With a
        ``manager`` the write is recorded in managedFields as that manager's Update (of
        ``subresource``: ``scale`` owns only the replicas); without one, the entries are kept (those
        ``obj`` carries, else the live object's).
        """
        kind, body = to_body(obj, None, trusted)
        meta = body["metadata"]
        name, ns = meta.get("name", ""), scope(kind, meta.get("namespace"))
        with self._atomic():
            old = self.get(kind, name, ns)
            expected = _expected(meta, old)
            fieldmanager.record(self, old, body, manager, subresource)
            old_meta = old["metadata"]
            for field in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
                if field in old_meta:
                    meta[field] = old_meta[field]
                else:
                    meta.pop(field, None)
            if "status" in old:
                body["status"] = old["status"]
            else:
                body.pop("status", None)
            admission.keep_allocated(kind, old, body)
            if kind == "Namespace":
                _label_namespace(body)
            if kind == "Pod":  # a replace keeps what admission added on create, as a patch would
                deletion.add_default_tolerations(body["spec"])
            admission.check_immutable(kind, old, body)
            limits.check_replicas(kind, body)
            if kind == "Service":
                services.check_update(body, old, self.list("Service"), ServiceRanges.from_env())
            deletion.check_finalizers(kind, old, body)
            if deletion.released(kind, body):
                self._remove(kind, ns, name, expected)
                return body
            changed = spec_of(old) != spec_of(body)
            meta["generation"] = old_meta.get("generation", 1) + (1 if changed else 0)
            revision = self.store.update(kind, ns, name, body, expected)
            self._wrote(kind, ns, name, revision, body)
        return body

    def update_status(
        self, obj: Mapping[str, Any], *, trusted: bool = False, manager: str | None = None
    ) -> Body:
        """Replace only the status of an object (the status subresource); with a ``manager``,
        recorded as its Update of the ``status`` subresource. The annotations of a kind in
        ``STATUS_SETS_ANNOTATIONS`` change too when ``obj`` carries them (kept when it does not)."""
        kind = str(obj.get("kind", ""))
        meta = obj.get("metadata") or {}
        name, ns = str(meta.get("name", "")), scope(kind, meta.get("namespace"))
        with self._atomic():
            old = self.get(kind, name, ns)
            expected = _expected(meta, old)
            body = {**old, "metadata": dict(old["metadata"]), "status": obj.get("status")}
            if body["status"] is None:
                body.pop("status")
            if kind in STATUS_SETS_ANNOTATIONS and "annotations" in meta:
                _set_annotations(body["metadata"], meta["annotations"])
            if not trusted:
                validate(body)
            fieldmanager.record(self, old, body, manager, "status")
            revision = self.store.update(kind, ns, name, body, expected)
            # only a status to the cache's ``changed_at`` unless annotations came with it
            only_status = body["metadata"].get("annotations") == old["metadata"].get("annotations")
            self._wrote(kind, ns, name, revision, body, status=only_status)
        return body

    def apply(self, config: Mapping[str, Any], manager: str, force: bool = False) -> Body:
        """Server-side apply: ``config`` (the manifest as written: only the fields it sets) merged
        into the object as ``manager``'s, created if missing, in one transaction. Fields another
        manager owns with another value are a ``ConflictError`` (a cause each) unless ``force``."""
        with self._atomic():
            return fieldmanager.apply(self, config, manager, force)

    def bind(self, namespace: str, name: str, node: str, expected: str | None = None) -> Body:
        """The binding subresource: the one way to set a pod's ``spec.nodeName`` after creation."""
        with self._atomic():
            pod = self.get("Pod", name, namespace)
            current = pod["spec"].get("nodeName")
            if current:
                raise ConflictError.of(
                    "pods/binding", name, f'pod {name} is already assigned to node "{current}"'
                )
            if expected is not None and pod["metadata"].get("resourceVersion") != expected:
                _expected({"resourceVersion": expected}, pod)
            status = dict(pod.get("status") or {})
            conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
            conditions.append(
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": rfc3339(self.clock.now())}
            )
            status["conditions"] = conditions
            body = {
                **pod,
                "metadata": dict(pod["metadata"]),
                "spec": {**pod["spec"], "nodeName": node},
                "status": status,
            }
            revision = self.store.update("Pod", namespace, name, body, None)
            self._wrote("Pod", namespace, name, revision, body)
        return body

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation = "Background",
        resource_version: str | None = None,
        grace_period: int | None = None,
    ) -> Body:
        """Delete an object. Background leaves dependents to the garbage collector; Orphan strips
        their ownerReferences first; Foreground holds the object (``foregroundDeletion`` finalizer)
        until the garbage collector has deleted them. A running pod is marked (deletionTimestamp) for
        its grace period and removed when its kubelet confirms; an object with finalizers stays until
        they are removed. A Namespace turns Terminating."""
        ns = scope(kind, namespace)
        with self.transaction():
            old = self.get(kind, name, ns)
            expected = _expected({"resourceVersion": resource_version} if resource_version else {}, old)
            if kind == "Namespace":
                return self._terminate_namespace(old)
            meta = old["metadata"]
            uid = meta.get("uid", "")
            if propagation == "Orphan":
                self._orphan_dependents(ns, uid)
            finalizers = list(meta.get("finalizers") or [])
            if propagation == "Foreground" and FOREGROUND not in finalizers and self._dependents(ns, uid):
                finalizers.append(FOREGROUND)
            grace = deletion.grace_period(kind, old, grace_period)
            if not finalizers and grace == 0:
                self._remove(kind, ns, name, expected)
                return old
            body = deletion.mark(old, finalizers, grace, self.clock.now())
            if body is old:
                return old
            revision = self.store.update(kind, ns, name, body, expected)
            self._wrote(kind, ns, name, revision, body)
        return body

    def _remove(self, kind: str, ns: str, name: str, expected: int | None = None) -> None:
        old = self.get(kind, name, ns)
        revision = self.store.delete(kind, ns, name, expected)
        if kind == "Pod":
            for topic in deletion.POD_NOTES:
                self.store.delete_note(topic, old["metadata"].get("uid", ""))
        self._wrote(kind, ns, name, revision, None)

    def _terminate_namespace(self, old: Body) -> Body:
        name = old["metadata"]["name"]
        admission.check_namespace_deletable(name)
        if admission.is_terminating(old):
            return old
        meta = {**old["metadata"], "deletionTimestamp": rfc3339(self.clock.now())}
        body = {**old, "metadata": meta, "status": {**(old.get("status") or {}), "phase": "Terminating"}}
        revision = self.store.update("Namespace", "", name, body, None)
        self._wrote("Namespace", "", name, revision, body)
        return body

    def finalize_namespace(self, name: str) -> None:
        """Remove a Terminating namespace once it is empty (the namespace controller's last step)."""
        with self.transaction():
            ns = self.get("Namespace", name)
            if not admission.is_terminating(ns):
                raise InvalidError(f'namespaces "{name}" is not terminating', kind="Namespace", name=name)
            if self.store.namespaces_in_use().get(name):
                raise InvalidError(f'namespaces "{name}" still has content', kind="Namespace", name=name)
            self.store.delete_events(name)
            self._remove("Namespace", "", name)

    def _dependents(self, namespace: str, uid: str) -> builtins.list[Body]:
        found = []
        for kind in DEPENDENT_KINDS:
            for body in self.list(kind, namespace or None):
                refs = body["metadata"].get("ownerReferences") or []
                if any(ref.get("uid") == uid for ref in refs):
                    found.append(body)
        return found

    def _orphan_dependents(self, namespace: str, uid: str) -> None:
        for dependent in self._dependents(namespace, uid):
            meta = dict(dependent["metadata"])
            refs = [r for r in meta.get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:
                meta["ownerReferences"] = refs
            else:
                meta.pop("ownerReferences", None)
            self.update({**dependent, "metadata": meta}, trusted=True)

    def _service_allocations(self) -> services.Allocations:
        """What clusterIPs and NodePorts are taken; read once, then kept current by ``_wrote`` for as
        long as every write to the store comes through this Api."""
        current = self.store.revision()
        if self._allocations is None or self._allocations.revision != current:
            ranges = ServiceRanges.from_env()
            self._allocations = services.Allocations.of(self.list("Service"), current, ranges)
        return self._allocations

    def _namespace(self, name: str) -> Body | None:
        """The Namespace ``name`` (None: none), for a create in it: read once, then kept current by
        ``create`` as long as the writes to the store are its creates of namespaced objects (10,000
        creates in 20 namespaces read 20 Namespaces, not 10,000); any other write reads again."""
        revision, seen = self._namespaces
        current = self.store.revision()
        if revision != current:
            seen = {}
            self._namespaces = (current, seen)
        if name not in seen:
            seen[name] = self.find("Namespace", name)
        return seen[name]

    def _wrote(
        self,
        kind: str,
        ns: str,
        name: str,
        revision: int,
        body: Body | None,
        *,
        created: bool = False,
        status: bool = False,
        plain: bool = False,
    ) -> None:
        if self._cache is not None:
            self._cache.wrote(kind, (ns, name), revision, body, status=status)
        self._created = None  # a write since the recording: what it kept is not current
        if self._recording is not None:
            self._record(kind, (ns, name), revision, body if created and plain else None)
        taken = self._allocations
        if taken is not None:
            # a Service created here was marked taken when allocated; any other Service write
            # (update, delete) may free values: read again next time
            keep = kind != "Service" or created
            self._allocations = taken if keep else None
            if keep:
                taken.revision = revision

    def _record(self, kind: str, key: Key, revision: int, body: Body | None) -> None:
        """``recording``'s part of a write of ``kind`` (``body``: a plain body created, else None)."""
        seen = self._recording
        assert seen is not None
        if revision != seen.revision + 1:  # a write that did not come through here came between
            self._recording = None
            return
        seen.revision = revision
        if kind not in seen.touched:
            seen.touched.add(kind)
            if body is not None and self.store.count(kind) <= FEW_BEFORE + 1:
                # the objects of the kind before this create, and this one: read once
                listed = self.store.list(kind)
                seen.kinds[kind] = {(o.namespace, o.name): o.body for o in listed}
        table = seen.kinds.get(kind)
        if table is None:
            return
        if body is None:
            del seen.kinds[kind]  # another write than a plain create: read the kind from the store
        else:
            table[key] = body

    # Events -----------------------------------------------------------------------------------------
    def record_event(self, obj: Body, type_: str, reason: str, message: str, source: str) -> None:
        meta = obj["metadata"]
        self.store.record_event(
            EventRecord.new(
                obj["kind"],
                meta.get("namespace") or "",
                meta["name"],
                meta.get("uid", ""),
                type_,
                reason,
                message,
                source,
                rfc3339(self.clock.now()),
            )
        )

    def events(self, namespace: str | None = None, obj: Body | None = None) -> builtins.list[EventRecord]:
        uid = obj["metadata"].get("uid") if obj is not None else None
        return self.store.events(namespace=namespace, uid=uid)


def _set_annotations(meta: dict[str, Any], annotations: Any) -> None:
    if annotations:
        meta["annotations"] = dict(annotations)
    else:
        meta.pop("annotations", None)


def _label_namespace(body: Body) -> None:
    """Every namespace carries its name as the ``kubernetes.io/metadata.name`` label."""
    meta = body["metadata"]
    meta["labels"] = {**(meta.get("labels") or {}), NAME_LABEL: meta["name"]}


def _selector(selector: Selector) -> LabelSelector | None:
    if selector is None:
        return None
    if isinstance(selector, LabelSelector):
        return selector
    if isinstance(selector, str):
        return parse_selector(selector) if selector.strip() else None
    return LabelSelector(match_labels=dict(selector))


def _expected(meta: Mapping[str, Any], old: Body) -> int:
    """The revision a write must find: the caller's resourceVersion, else the one just read."""
    given = meta.get("resourceVersion")
    current = int(old["metadata"]["resourceVersion"])
    if given in (None, ""):
        return current
    try:
        wanted = int(str(given))
    except ValueError as exc:
        kind, name = str(old.get("kind", "")), old["metadata"]["name"]
        cause = Cause.of("metadata.resourceVersion", f'Invalid value: "{given}": must be an integer')
        raise invalid(kind, name, cause) from exc
    if wanted != current:
        kind = str(old.get("kind", ""))
        raise ConflictError.of(resource_name(kind), old["metadata"]["name"], group=group_of(kind))
    return wanted
