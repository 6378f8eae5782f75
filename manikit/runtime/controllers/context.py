"""What a controller is given for one reconcile pass: the API, the clock, and a place for timers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from manikit.models.node import Node
from manikit.models.pod import Pod, PodSpec, PodStatus
from manikit.runtime.api import Api
from manikit.runtime.clock import Clock
from manikit.runtime.controllers import rollout
from manikit.runtime.scheduler import SchedulerCache
from manikit.runtime.store import Body


@dataclass
class ModelCache:
    """Validated models of stored bodies for the scheduler, one per object (uid) for the whole
    reconcile run, reused for as long as what it was validated from is unchanged.

    A pod's model is validated from the parts the scheduler reads: metadata, spec and, of its status,
    only a phase Succeeded or Failed (the scheduler ignores such pods; Pending and Running, the
    conditions, IPs and container statuses are left out, so a kubelet's status write does not cost a
    new model). No model carries a resourceVersion: that changes with every write, while
    the model stays the same. Keeping only the latest model per uid bounds the cache by the objects
    that exist, not by the writes made to them. Pods of one template share one validated spec (a
    bound pod's is a shallow copy carrying its nodeName): a pod model costs its metadata only.
    """

    #: by uid: (view, model), or (body, _Binding) for a pod bound since its model was last made
    _models: dict[str, tuple[Body, Any]] = field(default_factory=dict)
    #: each pod's model by uid, as of the resourceVersion it was last asked for at
    _pod_versions: dict[str, tuple[str | None, Pod]] = field(default_factory=dict)
    _specs: dict[str, PodSpec] = field(default_factory=dict)
    # the same specs by the identity of their parts (the parts are kept, so no id is reused)
    _spec_parts: dict[tuple[tuple[str, int], ...], tuple[tuple[Any, ...], PodSpec]] = field(
        default_factory=dict
    )
    _template_hashes: dict[int, tuple[Body, str]] = field(default_factory=dict)
    # the shared specs with a nodeName, by (the identity of the spec kept with it, the node)
    _node_specs: dict[tuple[int, str], tuple[PodSpec, PodSpec]] = field(default_factory=dict)
    #: ``Api.written_at`` of Node and Pod at the last scheduler run, when it wrote nothing (the
    #: scheduler's to set and read)
    unchanged_schedule: tuple[int, int] | None = None
    #: what the scheduler derives from each pod model, kept from one run to the next
    scheduler: SchedulerCache = field(default_factory=SchedulerCache)
    #: pods the kubelet found nothing to do for: uid -> (resourceVersion, next timer or None,
    #: recurring); while the pod is unchanged and the timer not due, there is still nothing to do
    idle_pods: dict[str, tuple[str, datetime | None, bool]] = field(default_factory=dict)
    #: the kubelet's memory of each pod (its store note, ``container_state.Memory`` dumped) as of
    #: the pod's resourceVersion after the kubelet's last write: uid -> (resourceVersion, memory).
    #: Only the kubelet writes that note, and always with the pod in view, so while the pod is at
    #: that version the note is that memory: no read of the store
    kubelet_memory: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: per controller that depends on nothing but what its inputs say (``settle``): those inputs
    #: after its last run that left nothing to do, and the timers that run asked for; the same
    #: inputs again would write nothing again
    settled_inputs: dict[str, tuple[tuple[Any, ...], tuple[tuple[datetime, bool], ...]]] = field(
        default_factory=dict
    )

    def clear(self) -> None:
        self._models.clear()
        self._pod_versions.clear()
        self._specs.clear()
        self._spec_parts.clear()
        self._template_hashes.clear()
        self._node_specs.clear()
        self.unchanged_schedule = None
        self.scheduler = SchedulerCache()
        self.idle_pods.clear()
        self.kubelet_memory.clear()
        self.settled_inputs.clear()

    def pod(self, body: Body) -> Pod:
        """The pod's model: the one of its last call while its resourceVersion is the same."""
        meta = body["metadata"]
        uid, version = meta["uid"], meta.get("resourceVersion")
        known = self._pod_versions.get(uid)
        if known is not None and version is not None and known[0] == version:
            return known[1]
        model = self._pod(body)
        self._pod_versions[uid] = (version, model)
        return model

    def bound(self, body: Body, pending: Pod) -> None:
        """A pod just bound to a node, ``body`` as the binding wrote it: its model is ``pending``
        (its model before) with the spec's nodeName, which is all a binding changes of a model;
        made when first asked for (a pod bound in a reconcile's last scheduler run may never be)."""
        meta = body["metadata"]
        self._models[meta["uid"]] = (body, _Binding(pending, body["spec"]["nodeName"]))
        self._pod_versions.pop(meta["uid"], None)

    def _pod(self, body: Body) -> Pod:
        view = _pod_view(body)
        uid = view["metadata"]["uid"]
        found = self._models.get(uid)
        if found is not None and isinstance(found[1], _Binding):  # (the bound body, its binding)
            found = self._models[uid] = (_pod_view(found[0]), self._bind(found[1]))
        if found is not None and found[0] == view:
            cached: Pod = found[1]
            return cached
        if found is not None and _same_but_status(found[0], view):
            # only the phase moved (to or from Succeeded, Failed): the metadata and spec stay validated
            status = view.get("status")
            moved: Pod = found[1].model_copy(
                update={"status": None if status is None else PodStatus.model_validate(status)}
            )
            self._models[uid] = (view, moved)
            return moved
        validated = Pod.model_validate({**view, "spec": self._pod_spec(body["spec"])})
        self._models[uid] = (view, validated)
        return validated

    def _bind(self, binding: _Binding) -> Pod:
        pending = binding.pending
        model = pending.model_copy(update={"spec": self._on_node(pending.spec, binding.node)})
        self.scheduler.rebound(pending, model)
        return model

    def _pod_spec(self, spec: Body) -> PodSpec | Body:
        """The validated spec, shared by every pod of the same spec but for its nodeName."""
        node = spec.get("nodeName")
        if node is not None and not isinstance(node, str):
            return spec  # validated in full with the pod, to report it as pydantic would
        parts = tuple((k, v) for k, v in spec.items() if k != "nodeName")
        identity = tuple((k, id(v)) for k, v in parts)
        known = self._spec_parts.get(identity)
        if known is not None:  # the very same objects (cached bodies are read-only): same content
            shared = known[1]
        else:
            key = _canonical(dict(parts))
            found = self._specs.get(key)
            shared = self._specs[key] = found or PodSpec.model_validate(dict(parts))
            self._spec_parts[identity] = (parts, shared)
        return shared if node is None else self._on_node(shared, node)

    def _on_node(self, spec: PodSpec, node: str) -> PodSpec:
        """``spec`` with ``node`` as its nodeName: one copy per spec and node, shared by its pods."""
        key = (id(spec), node)
        known = self._node_specs.get(key)
        if known is None or known[0] is not spec:
            known = self._node_specs[key] = (spec, spec.model_copy(update={"node_name": node}))
        return known[1]

    def template_hash(self, template: Body) -> str:
        """``rollout.template_hash`` of a cached (read-only) template, once per template object."""
        known = self._template_hashes.get(id(template))
        if known is not None and known[0] is template:
            return known[1]
        value = rollout.template_hash(template)
        self._template_hashes[id(template)] = (template, value)
        return value

    def hash_templates(self, templates: list[Body]) -> None:
        """Compute together the hashes ``template_hash`` will be asked for (a first pass over
        thousands of Deployments hashes them all at once)."""
        new = [t for t in templates if self._template_hashes.get(id(t), (None,))[0] is not t]
        for template, value in zip(new, rollout.template_hashes(new), strict=True):
            self._template_hashes[id(template)] = (template, value)

    def node(self, body: Body) -> Node:
        found: Node = self._get(_view(body), Node)
        return found

    def _get(self, view: Body, model: type[Any]) -> Any:
        uid = view["metadata"]["uid"]
        found = self._models.get(uid)
        if found is not None and found[0] == view:
            return found[1]
        validated = model.model_validate(view)
        self._models[uid] = (view, validated)
        return validated


@dataclass(frozen=True)
class _Binding:
    """A bound pod's model, not made yet: its model before the binding and its node."""

    pending: Pod
    node: str


def _same_but_status(old: Body, new: Body) -> bool:
    return len(old) == len(new) and all(k == "status" or new.get(k, _MISSING) == v for k, v in old.items())


_MISSING = object()
#: the phases the scheduler reads (``scheduler.queue.is_live``): a pod in them holds nothing
TERMINAL_PHASES = ("Succeeded", "Failed")


_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _pod_view(body: Body) -> Body:
    """What a pod's model is validated from: ``_view`` with only a phase the scheduler reads."""
    view = _view(body)
    status = body.get("status")
    if status is not None:
        phase = status.get("phase")
        view["status"] = {"phase": phase} if phase in TERMINAL_PHASES else {}
    return view


def _view(body: Body) -> Body:
    """A shallow copy of ``body`` without ``metadata.resourceVersion`` (its parts are shared)."""
    meta = {k: v for k, v in body["metadata"].items() if k != "resourceVersion"}
    return {**body, "metadata": meta}


@dataclass
class PassContext:
    api: Api
    clock: Clock
    models: ModelCache
    #: the earliest timer of any kind
    wake: datetime | None = None
    #: the earliest timer that is not part of an endless cycle (a crash loop's next restart)
    progress: datetime | None = None
    #: the timers asked for while ``settle`` runs a controller
    _asked: list[tuple[datetime, bool]] | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def wake_at(self, moment: datetime, *, recurring: bool = False) -> None:
        """Ask for another pass once the clock reaches ``moment`` (a readiness delay, an image pull...).

        A ``recurring`` timer belongs to a cycle that never ends by itself (a container in
        CrashLoopBackOff): it does not keep "run until settled" going, only a given duration does."""
        if moment <= self.clock.now():
            return
        if self._asked is not None:
            self._asked.append((moment, recurring))
        if self.wake is None or moment < self.wake:
            self.wake = moment
        if not recurring and (self.progress is None or moment < self.progress):
            self.progress = moment


def settle(
    ctx: PassContext,
    name: str,
    inputs: Callable[[], tuple[Any, ...]],
    run: Callable[[], bool | None],
    *,
    fixpoint: bool = False,
) -> None:
    """Run a controller unless its ``inputs`` (``Api.written_at`` of the kinds it reads, the clock if
    it reads it...) are those of a run that left nothing to do; then only its timers are asked again.

    A run that wrote nothing left nothing to do, unless it returns True (it did what the store's
    revision does not show: a note, an event). With ``fixpoint`` (a controller whose writes leave
    it nothing to do on the same inputs: it derives objects from others in one step), so does one
    that wrote: its inputs are taken again after its own writes."""
    known = ctx.models.settled_inputs.get(name)
    key = inputs()
    if known is not None and known[0] == key:
        for moment, recurring in known[1]:
            ctx.wake_at(moment, recurring=recurring)
        return
    before = ctx.api.revision()
    asked: list[tuple[datetime, bool]] = []
    outer, ctx._asked = ctx._asked, asked
    try:
        acted = run()
    finally:
        ctx._asked = outer
    if acted:
        ctx.models.settled_inputs.pop(name, None)
    elif ctx.api.revision() == before:
        ctx.models.settled_inputs[name] = (key, tuple(asked))
    elif fixpoint:
        ctx.models.settled_inputs[name] = (inputs(), tuple(asked))
    else:
        ctx.models.settled_inputs.pop(name, None)
