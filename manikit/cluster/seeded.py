"""A simulation holding only some of a local cluster's objects, each stored as it is (its uid,
creationTimestamp and managedFields kept; only its resourceVersion is the copy's), with the notes the
kubelet keeps about them and the same clock. The scheduling preview's focused simulation: what goes
in is ``manikit.apply.preview_scope``'s to choose.

Unlike ``LocalCluster.simulation`` (a copy of the whole state), nothing is copied that is not asked
for: a preview of 40 changed Deployments need not carry thousands of unrelated objects through every
controller pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from manikit.cluster.local import LocalCluster
from manikit.cluster.protocol import Body
from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock
from manikit.runtime.controllers.behaviour import PREFIX as BEHAVIOUR_PREFIX
from manikit.runtime.controllers.container_state import NOTE_TOPIC as KUBELET_TOPIC
from manikit.runtime.controllers.images import IMAGES_TOPIC
from manikit.runtime.controllers.node_lifecycle import STOPPED_NOTE
from manikit.runtime.store import open_store


def seeded_simulation(cluster: LocalCluster, objects: Iterable[tuple[str, Body]]) -> LocalCluster:
    """An in-memory control plane holding exactly ``objects`` ((kind, body) pairs, namespaces before
    what they hold) and, from ``cluster``: the clock, the stopped nodes, each node's pulled images and
    each pod's kubelet memory (restart counts, back-off). The bodies are not changed."""
    store = open_store(":memory:")
    try:
        source = cluster.store
        with store.transaction():
            for kind, body in objects:
                meta = body["metadata"]
                # the store sets the copy's resourceVersion in the metadata it is handed: a copy of it
                store.create(
                    kind, meta.get("namespace") or "", meta["name"], {**body, "metadata": dict(meta)}
                )
                topic, key = _note_of(kind, meta)
                if topic:
                    note = source.get_note(topic, key)
                    if note is not None:
                        store.put_note(topic, key, note)
            stopped = source.get_note(*STOPPED_NOTE)
            if stopped is not None:
                store.put_note(*STOPPED_NOTE, stopped)
    except BaseException:
        store.close()
        raise
    clock = SimulatedClock(cluster.now())
    return LocalCluster(Api(store, clock), clock)


def _note_of(kind: str, meta: Body) -> tuple[str, str]:
    if kind == "Node":
        return IMAGES_TOPIC, str(meta["name"])
    if kind == "Pod" and meta.get("uid"):
        return KUBELET_TOPIC, str(meta["uid"])
    return "", ""


def is_steady(pod: Body) -> bool:
    """Whether nothing the controllers do would change ``pod`` on its own: finished, or bound,
    running and ready on its spec's images with no scripted behaviour (the kubelet's idle case)."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return True
    meta, spec = pod["metadata"], pod.get("spec") or {}
    if "deletionTimestamp" in meta or not spec.get("nodeName") or status.get("phase") != "Running":
        return False
    if any(k.startswith(BEHAVIOUR_PREFIX) for k in meta.get("annotations") or {}):
        return False
    statuses, containers = status.get("containerStatuses") or [], spec.get("containers") or []
    return len(statuses) == len(containers) and all(
        cs.get("ready") and "running" in (cs.get("state") or {}) and cs.get("image") == c.get("image")
        for cs, c in zip(statuses, containers, strict=True)
    )
