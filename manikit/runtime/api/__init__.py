"""The API server over a store: validation, defaulting, admission, status, watch.

Public surface (for controllers, ``manikit apply`` and the CLI)::

    api = Api(store, clock)                 # clock: runtime.clock.Clock (SimulatedClock by default)
    api.create(obj) / api.update(obj)       # obj: a model (TypeMeta) or a Kubernetes dict; -> body dict
    api.update_status(obj)                  # status subresource; spec and metadata untouched
                                            # (but a Deployment's annotations, when given)
    api.delete(kind, name, namespace, propagation="Background" | "Orphan" | "Foreground")
    api.get(kind, name, namespace) / api.find(...) -> body | None
    api.list(kind, namespace=None, selector=None)   # selector: LabelSelector, "a=b,c in (x)", {a: b}
    api.watch(since_revision, kinds=None)   # HistoryEntry(revision, op, kind, namespace, name, body)
    api.bind(namespace, pod, node)          # the binding subresource (scheduler)
    api.record_event(obj, "Normal", reason, message, source) / api.events(namespace, obj)
    api.revision(), api.identity            # for saved plans: the base revision and store uuid

Transactions: ``with api.transaction(): ...`` makes every write inside one SQLite transaction (one
commit, all or nothing; another process waits for it). Nested blocks are savepoints. A whole
``manikit apply`` is one such block; reconcile passes are too.

Dry runs: ``api.dry_run()`` returns an Api over an in-memory copy of the state (SQLite's backup API),
with the same identity and revision, so a plan can be applied and reconciled there and thrown away.
Take the copy outside a transaction: it copies committed state.

Locks: ``api.store.acquire_lock("apply", command, timeout)`` is a context manager holding a named lock
(holder pid, host, command and time recorded; a holder on this host whose process is gone is stale
and taken over; ``LockError`` names the holder on timeout). ``api.store.lock_holder(name)`` reads it.

Controllers use ``Api(store, clock, cached=True)`` (see ``cached()``): reads from an informer-like
cache, writes with ``trusted=True`` to skip pydantic for bodies derived from validated objects.

Kinds are named as in manifests (``"Deployment"``); bodies are ``model.to_k8s()`` JSON. Errors are
``manikit.errors`` StateErrors with Kubernetes' messages (NotFound, AlreadyExists, Conflict, Invalid,
Forbidden). Generation is bumped only when ``spec`` changes; ``resourceVersion`` is the store revision.
"""

from __future__ import annotations

from manikit.runtime.api.bootstrap import SYSTEM_NAMESPACES
from manikit.runtime.api.core import Api, Propagation, Selector
from manikit.runtime.api.qos import qos_class

__all__ = ["SYSTEM_NAMESPACES", "Api", "Propagation", "Selector", "qos_class"]
