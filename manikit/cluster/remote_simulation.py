"""The simulation of a remote cluster, for a plan's scheduling preview: an in-memory local control
plane seeded with copies of what the remote holds, so the local scheduler sees what the nodes hold.

Seeded, in order: Namespaces, Nodes (labels, taints, capacity, allocatable, conditions), Services,
Deployments, ReplicaSets and the pods that are not finished (bound ones stay on their node), with
ownerReferences pointed at the copies, so the simulated controllers adopt what the real ones made.
Left out, and why:
- Services lose their clusterIP and nodePorts (the simulation allocates its own from its ranges);
- an object the local control plane refuses (a field it does not model) is not seeded: it is named
  in ``unseeded``, and the preview may then miss what it holds;
- a ReplicaSet that a real cluster's deployment controller made carries that cluster's
  pod-template-hash; the simulated controller may judge the template differently and roll a
  Deployment that the plan does not change (its pods are then counted twice in the preview).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from manikit.cluster.local import LocalCluster
from manikit.cluster.opening import open_local
from manikit.cluster.protocol import Body
from manikit.errors import StatusError

if TYPE_CHECKING:
    from manikit.cluster.remote import RemoteCluster

SEEDED_KINDS = ("Namespace", "Node", "Service", "Deployment", "ReplicaSet", "Pod")
_KEPT_META = ("name", "namespace", "labels", "annotations", "ownerReferences")


class RemoteSimulation(LocalCluster):
    """A local control plane standing in for a remote one: the remote's identity, and its revision
    (moved on by each write made here)."""

    identity_of: str = ""
    base_revision: int = 0
    local_base: int = 0
    unseeded: list[str]

    @property
    def identity(self) -> str:
        return self.identity_of

    def revision(self) -> int:
        return self.base_revision + (self.api.revision() - self.local_base)


def simulate(remote: RemoteCluster) -> RemoteSimulation:
    base = remote.revision()
    local = open_local(":memory:", now=remote.now(), default_cluster=False)
    sim = RemoteSimulation(local.api, local.clock)
    sim.identity_of, sim.base_revision, sim.unseeded = remote.identity, base, []
    uids: dict[str, str] = {}
    for kind in SEEDED_KINDS:
        for body in remote.list(kind):
            if kind == "Pod" and (body.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            meta = body["metadata"]
            if sim.find(kind, meta["name"], meta.get("namespace")) is not None:
                continue  # made by the simulation itself: the system namespaces, the kubernetes Service
            _seed(sim, body, uids)
    sim.local_base = sim.api.revision()
    return sim


def _seed(sim: RemoteSimulation, body: Body, uids: dict[str, str]) -> None:
    meta = body.get("metadata") or {}
    copied = _copy(body, uids)
    try:
        made = sim.create(copied)
    except StatusError as exc:
        sim.unseeded.append(f"{body.get('kind')}/{meta.get('namespace') or '-'}/{meta.get('name')}: {exc}")
        return
    if meta.get("uid"):
        uids[str(meta["uid"])] = made["metadata"]["uid"]


def _copy(body: Body, uids: dict[str, str]) -> Body:
    meta = body.get("metadata") or {}
    kept: dict[str, Any] = {k: copy.deepcopy(meta[k]) for k in _KEPT_META if meta.get(k)}
    owners = [dict(o, uid=uids[o["uid"]]) for o in kept.pop("ownerReferences", []) if o.get("uid") in uids]
    if owners:
        kept["ownerReferences"] = owners
    copied: Body = {"apiVersion": body["apiVersion"], "kind": body["kind"], "metadata": kept}
    if "spec" in body:
        copied["spec"] = copy.deepcopy(body["spec"])
    if body["kind"] == "Node" and "status" in body:
        status = body["status"]
        copied["status"] = {
            k: copy.deepcopy(status[k]) for k in ("capacity", "allocatable", "conditions") if k in status
        }
    if body["kind"] == "Service":
        spec = copied.get("spec") or {}
        for key in ("clusterIP", "clusterIPs"):
            spec.pop(key, None)
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    return copied
