"""The kubelet, simulated: bound pods get an IP, pull their images (ContainerCreating), run, become
ready by their probes, exit, restart by restartPolicy with the CrashLoopBackOff back-off, restart on an
image change, and stop within their grace period when deleted.

What a container does is read from annotations (``behaviour``); without them it runs and becomes
ready. Each node remembers the images it holds (a store note), so a second pod of the same image on
the node starts without a pull. The kubelet of a stopped node (``node_lifecycle``) does nothing: its
node stops posting status and its pods stay as they were. Nodes without a Ready condition get one.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from manikit.runtime.api import qos_class
from manikit.runtime.clock import parse_time, rfc3339
from manikit.runtime.controllers import container_state as cstate
from manikit.runtime.controllers.behaviour import PREFIX, behaviour, stop_time
from manikit.runtime.controllers.common import condition, status_patch
from manikit.runtime.controllers.context import PassContext, settle
from manikit.runtime.controllers.images import Images
from manikit.runtime.controllers.node_lifecycle import stopped_nodes
from manikit.runtime.controllers.pod_network import Addresses, allocate_ip, host_ip
from manikit.runtime.controllers.pod_status import summarize
from manikit.runtime.store import Body

SOURCE = "kubelet"


def reconcile(ctx: PassContext) -> None:
    """What the kubelets do follows from the nodes, the pods, the clock and their own notes (which
    only they write): not done again on the same nodes, pods and moment after a sync that did
    nothing (no write, no note, no event), but for asking its timers again."""
    api = ctx.api
    stopped = stopped_nodes(api)
    settle(
        ctx,
        SOURCE,
        lambda: (ctx.now(), api.written_at("Node"), api.written_at("Pod"), tuple(sorted(stopped.items()))),
        lambda: _sync_all(ctx, stopped),
    )


def _sync_all(ctx: PassContext, stopped: dict[str, str]) -> bool:
    """Every running kubelet's sync; True when one wrote a note or recorded an event."""
    api = ctx.api
    nodes = {n["metadata"]["name"]: n for n in api.list("Node") if n["metadata"]["name"] not in stopped}
    for node in nodes.values():
        _post_node_ready(ctx, node)
    pods = api.list("Pod")
    used: dict[str, Addresses] | None = None  # the pod IPs in use, read when a pod starts
    images = Images(ctx)
    idle = ctx.models.idle_pods
    acted = False
    for pod in pods:
        node_name = pod["spec"].get("nodeName")
        if not node_name or node_name not in nodes:
            continue
        meta = pod["metadata"]
        if "deletionTimestamp" in meta:
            acted = _terminate(ctx, pod) or acted
            continue
        known = idle.get(meta["uid"])
        if known is not None and known[1] is None and known[0] == meta["resourceVersion"]:
            continue  # unchanged since a sync that found nothing to do and asked for no timer
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or _idle(ctx, pod):
            continue
        if not status.get("containerStatuses"):
            used = _addresses(pods) if used is None else used
            acted = (
                _start(ctx, pod, nodes[node_name], used.setdefault(node_name, Addresses()), images) or acted
            )
        elif _steady(pod):
            idle[pod["metadata"]["uid"]] = (pod["metadata"]["resourceVersion"], None, False)
        else:
            acted = _sync(ctx, pod, images) or acted
    return images.save() or acted


PRESSURES = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)


def _post_node_ready(ctx: PassContext, node: Body) -> None:
    """What a kubelet posts for its node: Ready and the pressure conditions, and its addresses."""
    status = node.get("status") or {}
    ready = condition(node, "Ready")
    if ready is not None and ready.get("status") == "True":
        return
    stamp = rfc3339(ctx.now())
    name = node["metadata"]["name"]

    def posted(type_: str, value: str, reason: str, message: str) -> dict[str, Any]:
        return {
            "type": type_,
            "status": value,
            "reason": reason,
            "message": message,
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": stamp,
        }

    kept = {c.get("type"): c for c in status.get("conditions") or []}
    conditions = [kept.get(t) or posted(t, "False", reason, message) for t, reason, message in PRESSURES]
    conditions.append(posted("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
    others = [
        c
        for c in status.get("conditions") or []
        if c.get("type") not in ("Ready", *(p[0] for p in PRESSURES))
    ]
    new = {**status, "conditions": [*others, *conditions]}
    if not status.get("addresses"):
        digest = hashlib.sha256(name.encode()).digest()
        new["addresses"] = [
            {"type": "InternalIP", "address": f"172.18.{digest[0]}.{2 + digest[1] % 250}"},
            {"type": "Hostname", "address": name},
        ]
    ctx.api.update_status(status_patch(node, new), trusted=True)
    if ready is not None:
        ctx.api.record_event(node, "Normal", "NodeReady", f"Node {name} status is now: NodeReady", SOURCE)


def _addresses(pods: list[Body]) -> dict[str, Addresses]:
    used: dict[str, Addresses] = {}
    for pod in pods:
        status = pod.get("status") or {}
        if status.get("podIP") and status.get("phase") not in ("Succeeded", "Failed"):
            used.setdefault(pod["spec"].get("nodeName", ""), Addresses()).taken.add(status["podIP"])
    return used


def _idle(ctx: PassContext, pod: Body) -> bool:
    """Unchanged since a sync that found nothing to do, and its next timer is not due yet."""
    meta = pod["metadata"]
    known = ctx.models.idle_pods.get(meta["uid"])
    if known is None or known[0] != meta["resourceVersion"]:
        return False
    _, until, recurring = known
    if until is None:
        return True
    if until > ctx.now():
        ctx.wake_at(until, recurring=recurring)
        return True
    return False


def _steady(pod: Body) -> bool:
    """Running, ready, on its spec's images and doing nothing scripted: nothing can change."""
    meta = pod["metadata"]
    if any(k.startswith(PREFIX) for k in meta.get("annotations") or {}):
        return False
    statuses = pod["status"]["containerStatuses"]
    containers = pod["spec"]["containers"]
    return len(statuses) == len(containers) and all(
        cs.get("ready") and "running" in (cs.get("state") or {}) and cs.get("image") == c.get("image")
        for cs, c in zip(statuses, containers, strict=True)
    )


def _pod_ref(pod: Body) -> str:
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}({meta.get('uid', '')})"


def _start(ctx: PassContext, pod: Body, node: Body, used: Addresses, images: Images) -> bool:
    now = ctx.now()
    stamp = rfc3339(now)
    spec = pod["spec"]
    status: dict[str, Any] = dict(pod.get("status") or {})
    ip = allocate_ip(node, used)
    memory = cstate.Memory()
    step = cstate.Step()
    statuses = []
    for container in spec["containers"]:
        cs = cstate.new_status(container)
        name = container["name"]
        done, took, own = images.pull(pod, container, now)
        if took is not None:
            step.events.append(("Normal", "Pulling", f'Pulling image "{container.get("image", "")}"'))
        if own:
            memory.pulled[name] = took or 0
            memory.start_at[name] = rfc3339(done)
        else:
            memory.shared[name] = (rfc3339(done), took)
        cstate.advance(cs, container, behaviour(pod, container["name"]), "", ip, now, memory, step, "")
        statuses.append(cs)
    status.update(
        hostIP=host_ip(node),
        podIP=ip,
        podIPs=[{"ip": ip}],
        startTime=stamp,
        qosClass=status.get("qosClass") or qos_class(spec),
        containerStatuses=statuses,
    )
    return _write(ctx, pod, summarize(pod, status, now), step, memory, {})


def _sync(ctx: PassContext, pod: Body, images: Images) -> bool:
    now = ctx.now()
    status = dict(pod["status"])
    statuses = [dict(cs) for cs in status.get("containerStatuses") or []]
    memory = _memory(ctx, pod)
    before = memory.dump()
    step = cstate.Step()
    policy = pod["spec"].get("restartPolicy", "Always")
    ip, ref = status.get("podIP", ""), _pod_ref(pod)
    for cs, container in zip(statuses, pod["spec"]["containers"], strict=False):
        name = container["name"]
        if cs.get("image") != container.get("image"):
            cstate.change_image(cs, container, now, step)
            done, took, _ = images.pull(pod, container, now)
            if took is not None:
                step.events.append(("Normal", "Pulling", f'Pulling image "{container.get("image", "")}"'))
                memory.pulled[name] = took
            memory.start_at[name] = rfc3339(done)
        elif name not in memory.start_at and (cs.get("state") or {}).get("waiting", {}).get("reason") == (
            "ContainerCreating"
        ):
            memory.shared[name] = images.shared(pod, container)
        cstate.advance(cs, container, behaviour(pod, container["name"]), policy, ip, now, memory, step, ref)
    status["containerStatuses"] = statuses
    return _write(ctx, pod, summarize(pod, status, now), step, memory, before)


def _memory(ctx: PassContext, pod: Body) -> cstate.Memory:
    """The kubelet's memory of the pod: kept from its last write while the pod is unchanged since,
    else its store note."""
    meta = pod["metadata"]
    known = ctx.models.kubelet_memory.get(meta["uid"])
    if known is not None and known[0] == meta["resourceVersion"]:
        return cstate.Memory.of(known[1])
    return cstate.Memory.of(ctx.api.store.get_note(cstate.NOTE_TOPIC, meta["uid"]))


def _write(
    ctx: PassContext,
    pod: Body,
    status: dict[str, Any],
    step: cstate.Step,
    memory: cstate.Memory,
    before: dict[str, Any],
) -> bool:
    """Write the pod's status, the kubelet's note and events; True when a note or event was."""
    api = ctx.api
    meta = pod["metadata"]
    resting = _resting(status) and not step.due
    if status != pod.get("status"):
        written = api.update_status(status_patch(pod, status), trusted=True)
        meta = written["metadata"]
    dumped = memory.dump()
    noted = dumped != before and (before or dumped != _EMPTY_MEMORY)
    if noted:
        api.store.put_note(cstate.NOTE_TOPIC, meta["uid"], dumped)
    if "resourceVersion" in meta:
        # the memory is now ``dumped``: written, or the same as the note's (a pod just started
        # begins with an empty memory, as a kubelet that never ran it)
        ctx.models.kubelet_memory[meta["uid"]] = (meta["resourceVersion"], dumped)
    for type_, reason, message in step.events:
        api.record_event(pod, type_, reason, message, SOURCE)
    for moment, recurring in step.wakes:
        ctx.wake_at(moment, recurring=recurring)
    acted = bool(noted or step.events)
    if not resting or "resourceVersion" not in meta:
        ctx.models.idle_pods.pop(meta["uid"], None)
        return acted
    first = min(step.wakes, default=None)
    ctx.models.idle_pods[meta["uid"]] = (
        meta["resourceVersion"],
        None if first is None else first[0],
        False if first is None else all(r for m, r in step.wakes if m == first[0]),
    )
    return acted


_EMPTY_MEMORY = cstate.Memory().dump()


def _resting(status: dict[str, Any]) -> bool:
    """Every container is created-and-waiting or running: nothing more happens before a timer."""
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state") or {}
        if "running" in state:
            continue
        if (state.get("waiting") or {}).get("reason") in ("ContainerCreating", "CrashLoopBackOff"):
            continue
        return False
    return True


def _terminate(ctx: PassContext, pod: Body) -> bool:
    """A deleted pod: stop its containers (preStop, then SIGTERM, killed at the end of the grace
    period), then confirm the deletion so the API removes the object."""
    api, now = ctx.api, ctx.now()
    meta = pod["metadata"]
    status = dict(pod.get("status") or {})
    grace = int(meta.get("deletionGracePeriodSeconds", 0) or 0)
    if grace == 0 and status.get("phase") in ("Succeeded", "Failed"):
        return False  # confirmed already; only finalizers hold it
    began = parse_time(meta["deletionTimestamp"]) - timedelta(seconds=grace)
    containers = {c["name"]: c for c in pod["spec"]["containers"]}
    statuses = [dict(cs) for cs in status.get("containerStatuses") or []]
    running = [cs for cs in statuses if "running" in (cs.get("state") or {})]
    stops = {
        cs["name"]: stop_time(containers[cs["name"]], behaviour(pod, cs["name"]), grace)
        for cs in running
        if cs["name"] in containers
    }
    memory = _memory(ctx, pod)
    before = memory.dump()
    step = cstate.Step()
    if running and not memory.killing:
        memory.killing = True
        step.events += [("Normal", "Killing", f"Stopping container {name}") for name in stops]
        for cs in statuses:
            cs["ready"] = False
    end = began + max(stops.values(), default=timedelta(0))
    if end > now:
        step.wakes.append((end, False))
    else:
        for cs in running:
            killed = stops.get(cs["name"], timedelta(0)) >= timedelta(seconds=grace) and grace > 0
            cs["state"] = {
                "terminated": {
                    "exitCode": 137 if killed else 0,
                    "reason": "Error" if killed else "Completed",
                    "startedAt": cs["state"]["running"]["startedAt"],
                    "finishedAt": rfc3339(now),
                    "containerID": cs.get("containerID", ""),
                }
            }
            cs.update(ready=False, started=False)
    status["containerStatuses"] = statuses
    final = end <= now
    summary = summarize(pod, status, now, stopping=True, final=final)
    acted = _write(ctx, pod, summary, step, memory, before)
    if final:
        api.delete("Pod", meta["name"], meta["namespace"], grace_period=0)
        ctx.models.kubelet_memory.pop(meta["uid"], None)
    return acted
