"""``RemoteCluster``: the ``Cluster`` protocol over any Kubernetes API server (a real cluster, or a
running ``manikit serve``), reached through a kubeconfig with lightkube.

What differs from the local control plane, and why:
- the cluster's own controllers reconcile it: ``run`` returns at once unless a command follows the
  cluster (then it polls in real time, as ``wait`` does);
- writes are not atomic together (``atomic_batches`` is False: ``batch`` runs them in order);
- the apply lock and the plan-signing key are not the cluster's: there is no lock (``apply_lock``
  yields nothing to report), and the key lives on this machine (``plan_keys``);
- the scheduler's per-node verdicts are not published by kube-scheduler: ``scheduling_verdicts`` gives
  its FailedScheduling event's message only.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import httpx2
from lightkube import Client
from lightkube.config.client_adapter import Client as AdapterClient
from lightkube.config.client_adapter import ConnectionParams
from lightkube.types import CascadeType, PatchType

from manikit.cluster.kubeconfig import Target
from manikit.cluster.plan_keys import local_signing_key
from manikit.cluster.protocol import (
    FIELD_MANAGER,
    Body,
    Cluster,
    Propagation,
    SchedulingVerdicts,
    Selector,
    Settling,
    Watched,
)
from manikit.cluster.remote_api import (
    KINDS_SERVED,
    as_object,
    kind_of,
    label_selector,
    plain,
    resource,
    status_error,
    translated,
)
from manikit.errors import ForbiddenError, NotFoundError
from manikit.runtime.store import EventRecord

TIMEOUT_SECONDS = 30.0
#: how long one kind's watch may wait for the events up to the head (a bookmark usually ends it sooner)
WATCH_SECONDS = 5
#: the kinds ``watch`` follows when not told which (Events are not objects the protocol watches)
WATCHED_KINDS = tuple(k for k in KINDS_SERVED if k != "Event")
IDENTITY_NAMESPACE = "kube-system"
RUN_SUMMARY = "the cluster's own controllers reconcile it: nothing to run here"
#: how often a command following a remote cluster (``rollout status``, ``get -w``) looks again
POLL_SECONDS = 0.5


class RemoteCluster:
    """A Kubernetes API server as a ``Cluster``. Close it with ``close()`` or use it in ``with``."""

    def __init__(self, target: Target) -> None:
        self.target = target
        #: the one-time news that opening created something (never, for a remote cluster)
        self.announcement: str | None = None
        timeout = httpx2.Timeout(TIMEOUT_SECONDS)
        # Any: lightkube's overloads are per typed resource class; ours are generic, made at run time
        self.client: Any = Client(config=target.config, field_manager=FIELD_MANAGER, timeout=timeout)
        # lightkube's watch cannot ask for bookmarks and its delete drops the answer: those two requests
        # go through the same kubeconfig's connection (auth, TLS) directly
        self._http = AdapterClient(target.config, ConnectionParams(timeout=timeout))
        self._identity: str | None = None

    def __enter__(self) -> RemoteCluster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        self._http.close()

    def _calling(self) -> AbstractContextManager[None]:
        return translated(lambda: self.location)

    # Identity and time ------------------------------------------------------------------------------
    @property
    def identity(self) -> str:
        """The uid of the ``kube-system`` namespace, as cluster tools conventionally name a cluster
        (the server's URL where that namespace cannot be read)."""
        if self._identity is None:
            try:
                uid = self.get("Namespace", IDENTITY_NAMESPACE)["metadata"].get("uid")
            except (NotFoundError, ForbiddenError):
                uid = None
            self._identity = str(uid) if uid else self.target.server
        return self._identity

    @property
    def location(self) -> str:
        return self.target.location

    def revision(self) -> int:
        """The resourceVersion a LIST answers with: the newest write the server has seen."""
        with self._calling():
            listed = self.client.list(resource("Namespace"), chunk_size=1)
            next(iter(listed), None)
            return _revision(listed.resourceVersion)

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    @property
    def defaults_locally(self) -> bool:
        """False: the server defaults and validates; nothing is worked out here first."""
        return False

    # Reads ------------------------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str | None = None) -> Body:
        with self._calling():
            return plain(self.client.get(resource(kind), name, namespace=self._ns(kind, namespace)))

    def find(self, kind: str, name: str, namespace: str | None = None) -> Body | None:
        try:
            return self.get(kind, name, namespace)
        except NotFoundError:
            return None

    def list(self, kind: str, namespace: str | None = None, selector: Selector = None) -> builtins.list[Body]:
        """Every object of ``kind`` (across namespaces when ``namespace`` is None), sorted by
        namespace and name as the local control plane lists them, with ``kind`` and ``apiVersion``."""
        k = kind_of(kind)
        where = (namespace or "*") if k.namespaced else None
        with self._calling():
            found = [
                {"apiVersion": k.api_version, "kind": k.kind, **plain(obj)}
                for obj in self.client.list(resource(kind), namespace=where, labels=label_selector(selector))
            ]
        return sorted(found, key=lambda b: (b["metadata"].get("namespace", ""), b["metadata"]["name"]))

    def watch(self, since: int, kinds: builtins.list[str] | None = None) -> Iterator[Watched]:
        """The writes after revision ``since`` up to the revision at the call, oldest first: each kind
        is watched from ``since`` (with bookmarks) until it reaches that revision, or for
        ``WATCH_SECONDS`` at most."""
        head = self.revision()
        if head <= since:
            return iter(())
        wanted = kinds or builtins.list(WATCHED_KINDS)
        with ThreadPoolExecutor(max_workers=min(8, len(wanted))) as pool:
            per_kind = builtins.list(pool.map(lambda k: self._watch_kind(k, since, head), wanted))
        return iter(sorted((w for seen in per_kind for w in seen), key=lambda w: w.revision))

    def _watch_kind(self, kind: str, since: int, head: int) -> builtins.list[Watched]:
        k = kind_of(kind)
        params = {
            "watch": "true",
            "resourceVersion": str(since),
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(WATCH_SECONDS),
        }
        seen: builtins.list[Watched] = []
        deadline = time.monotonic() + WATCH_SECONDS
        with self._calling(), self._http.stream("GET", k.path(), params=params) as answer:
            if answer.is_error:
                answer.read()
                raise status_error(httpx2.HTTPStatusError("", request=answer.request, response=answer))
            for line in answer.iter_lines():
                if not line.strip():
                    continue
                event = json.loads(line)
                body = event.get("object") or {}
                if event.get("type") == "ERROR":
                    raise status_error(_error_event(answer, body))
                revision = _revision((body.get("metadata") or {}).get("resourceVersion"))
                if event.get("type") != "BOOKMARK" and revision > since:
                    meta = body.get("metadata") or {}
                    body = {"apiVersion": k.api_version, "kind": k.kind, **body}
                    seen.append(
                        Watched(revision, event["type"], kind, meta.get("namespace", ""), meta["name"], body)
                    )
                if revision >= head or time.monotonic() > deadline:
                    break
        return seen

    def events(self, namespace: str | None = None, obj: Body | None = None) -> builtins.list[EventRecord]:
        uid = obj["metadata"].get("uid") if obj is not None else None
        found = []
        for event in self.list("Event", namespace):
            involved = event.get("involvedObject") or {}
            if uid and involved.get("uid") != uid:
                continue
            found.append(_event_record(event))
        return sorted(found, key=lambda e: (e.last_timestamp, e.id))

    # Writes -----------------------------------------------------------------------------------------
    def create(self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None) -> Body:
        kind = str(obj.get("kind", ""))
        with self._calling():
            made = self.client.create(
                as_object(kind, obj),
                namespace=self._ns(kind, _meta(obj).get("namespace")),
                field_manager=manager,
                dry_run=dry_run,
            )
        return plain(made)

    def update(self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None) -> Body:
        kind = str(obj.get("kind", ""))
        with self._calling():
            made = self.client.replace(
                as_object(kind, obj),
                namespace=self._ns(kind, _meta(obj).get("namespace")),
                field_manager=manager,
                dry_run=dry_run,
            )
        return plain(made)

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: Mapping[str, Any],
        *,
        dry_run: bool = False,
        manager: str | None = None,
    ) -> Body:
        """An RFC 7386 JSON merge patch (``application/merge-patch+json``)."""
        with self._calling():
            made = self.client.patch(
                resource(kind),
                name,
                dict(patch),
                namespace=self._ns(kind, namespace),
                patch_type=PatchType.MERGE,
                field_manager=manager,
                dry_run=dry_run,
            )
        return plain(made)

    def apply(
        self,
        obj: Mapping[str, Any],
        *,
        manager: str = FIELD_MANAGER,
        force: bool = False,
        dry_run: bool = False,
    ) -> Body:
        """Server-side apply (``application/apply-patch+yaml``) under field manager ``manager``; a
        conflict with another manager is a ConflictError whose causes name the fields and managers."""
        kind = str(obj.get("kind", ""))
        body = dict(obj)
        meta = {k: v for k, v in _meta(obj).items() if k != "managedFields"}  # never sent on apply
        body["metadata"] = meta
        with self._calling():
            made = self.client.apply(
                as_object(kind, body),
                namespace=self._ns(kind, meta.get("namespace")),
                field_manager=manager,
                force=force,
                dry_run=dry_run,
            )
        return plain(made)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation = "Background",
        grace_period: int | None = None,
        dry_run: bool = False,
    ) -> Body:
        """Delete; the answer is the object as the server last had it (with ``deletionTimestamp`` when
        finalizers keep it a while), or, where the server answers with a Status, the object read
        just before."""
        k = kind_of(kind)
        params = {"propagationPolicy": CascadeType(propagation).value}
        if grace_period is not None:
            params["gracePeriodSeconds"] = str(grace_period)
        if dry_run:
            params["dryRun"] = "All"
        before = self.get(kind, name, namespace)
        with self._calling():
            answer = self._http.delete(k.path(self._ns(kind, namespace), name), params=params)
            answer.raise_for_status()
        body = answer.json()
        return before if body.get("kind") == "Status" else {"apiVersion": k.api_version, "kind": kind, **body}

    @property
    def atomic_batches(self) -> bool:
        return False

    def batch(self) -> AbstractContextManager[None]:
        """The writes just run in order: a real cluster has no transaction across objects."""
        return contextlib.nullcontext()

    # The apply lock (an apply set's inventory is its KEP-3659 parent object: ``plan.applyset``) -----
    @contextlib.contextmanager
    def apply_lock(self, command: str, timeout: float = 0.0) -> Iterator[Mapping[str, str]]:
        """A real cluster has no manikit lock: nothing is held, and there is nothing to report
        (a concurrent writer is caught by resourceVersions and field ownership instead)."""
        yield {}

    def signing_key(self, *, create: bool = False) -> str:
        """This cluster's plan-signing key, kept on this machine (never on the cluster)."""
        return local_signing_key(self.identity, create=create)

    # Simulation, running, waiting, the scheduler's view ---------------------------------------------
    def simulation(self) -> Cluster:
        from manikit.cluster.remote_simulation import simulate  # here: it imports opening, which imports this

        return simulate(self)

    def run(self, run_for: timedelta | None = None, observe: Callable[[], bool] | None = None) -> Settling:
        """The cluster's own controllers run it: without ``observe`` or ``run_for``, return at once
        (settled). Otherwise follow it in real time, as kubectl's ``-w`` does: call ``observe`` every
        ``POLL_SECONDS`` until it says stop, or ``run_for`` has passed (without it: until then, or
        until interrupted)."""
        if run_for is None and observe is None:
            return Settling(True, RUN_SUMMARY)
        deadline = None if run_for is None else time.monotonic() + run_for.total_seconds()
        while True:
            left = POLL_SECONDS if deadline is None else max(0.0, deadline - time.monotonic())
            time.sleep(min(POLL_SECONDS, left))
            if observe is not None and observe():
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
        return Settling(True, RUN_SUMMARY)

    def wait(self, done: Callable[[], bool], timeout: timedelta, step: timedelta) -> bool:
        """Poll ``done`` every ``step`` of real time, up to ``timeout``."""
        deadline = time.monotonic() + timeout.total_seconds()
        finished = done()
        while not finished and time.monotonic() < deadline:
            time.sleep(max(0.0, min(step.total_seconds(), deadline - time.monotonic())))
            finished = done()
        return finished

    def scheduling_verdicts(self, pod: Body) -> SchedulingVerdicts | None:
        """kube-scheduler's last FailedScheduling message for a pod it left Pending (no per-node list:
        the scheduler publishes none)."""
        if (pod.get("spec") or {}).get("nodeName"):
            return None
        failed = [
            e for e in self.events(pod["metadata"].get("namespace"), pod) if e.reason == "FailedScheduling"
        ]
        return SchedulingVerdicts(failed[-1].message, ()) if failed else None

    def _ns(self, kind: str, namespace: str | None) -> str | None:
        """The namespace of a request: the given one, else the kubeconfig context's (as kubectl)."""
        if not kind_of(kind).namespaced:
            return None
        return namespace or self.target.config.namespace


def _meta(obj: Mapping[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    return dict(meta) if isinstance(meta, Mapping) else {}


def _revision(version: object) -> int:
    text = str(version or "")
    return int(text) if text.isdigit() else 0


def _error_event(answer: httpx2.Response, status: Body) -> httpx2.HTTPStatusError:
    fake = httpx2.Response(int(status.get("code") or 500), json=status, request=answer.request)
    return httpx2.HTTPStatusError(str(status.get("message", "")), request=answer.request, response=fake)


def _event_record(event: Body) -> EventRecord:
    involved = event.get("involvedObject") or {}
    meta = event.get("metadata") or {}
    first = event.get("firstTimestamp") or event.get("eventTime") or meta.get("creationTimestamp") or ""
    return EventRecord(
        kind=str(involved.get("kind", "")),
        namespace=str(involved.get("namespace", "")),
        name=str(involved.get("name", "")),
        uid=str(involved.get("uid", "")),
        type=str(event.get("type", "Normal")),
        reason=str(event.get("reason", "")),
        message=str(event.get("message", "")),
        source=str((event.get("source") or {}).get("component", "") or event.get("reportingComponent", "")),
        first_timestamp=str(first),
        last_timestamp=str(event.get("lastTimestamp") or first),
        count=int(event.get("count") or 1),
        id=zlib.crc32(f"{meta.get('namespace', '')}/{meta.get('name', '')}".encode()),
    )


def _conforms(cluster: RemoteCluster) -> Cluster:
    """mypy checks here that ``RemoteCluster`` implements every method of the protocol."""
    return cluster
