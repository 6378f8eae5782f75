"""``manikit describe KIND NAME``: one object in kubectl's describe layout, with its Events.

For a pod the scheduler could not place, a "Node verdicts" section lists each node's reason (the
filter plugin that rejected it), from the verdicts recorded with the last scheduling decision.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import typer

from manikit.cli import console
from manikit.cli.columns import format_table, node_status_text, node_usage, pod_status_text
from manikit.cli.resources import RESOURCE_ARGUMENT, resource_args
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cluster import Body, Cluster
from manikit.cluster.deployments import replica_sets
from manikit.cluster.objects import controller_uid, is_ready
from manikit.cluster.times import human_age, parse_time
from manikit.models.quantity import QuantityFormat, format_quantity

Lines = list[str]


def describe(
    kind: str = RESOURCE_ARGUMENT,
    names: list[str] = typer.Argument(
        None, metavar="NAME", help="Names of the objects (default: all).", show_default=False
    ),
    namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
) -> None:
    """Show one or more objects in detail, with their events.

    Examples: manikit describe deploy web -n shop; manikit describe deployment.apps/web pod/cache -n shop
    """
    wanted = resource_args(kind, names or [])
    with control_plane(state, read_only=True) as cp:
        bodies = []
        for info, named in wanted:
            if named:
                bodies += [cp.cluster.get(info.kind, name, namespace) for name in named]
            else:
                bodies += cp.cluster.list(info.kind, (namespace or "default") if info.namespaced else None)
        if not bodies:
            console.stderr().print(f"No resources found in {namespace or 'default'} namespace.", markup=False)
            return
        blocks = ["\n".join(describe_object(cp.cluster, body, cp.cluster.now())) for body in bodies]
        typer.echo("\n\n".join(blocks))


def describe_object(cluster: Cluster, body: Body, now: datetime) -> Lines:
    kind = body["kind"]
    lines = _header(body)
    section = SECTIONS.get(kind)
    if section is not None:
        lines += section(cluster, body, now)
    lines += _events(cluster, body, now)
    return _align(lines)


TAB = "\t"  # between a field's label and its value; ``_align`` turns it into one column


def _field(label: str, value: object) -> str:
    return f"{label}:{TAB}{value}"


def _toleration(t: dict[str, Any]) -> str:
    """kubectl's form: key=value:Effect op=Exists for 300s."""
    text = f"{t.get('key', '')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect', '')}"
    if t.get("operator") == "Exists":
        text += " op=Exists"
    if t.get("tolerationSeconds") is not None:
        text += f" for {t['tolerationSeconds']}s"
    return text


def _align(lines: Lines) -> Lines:
    """Values of every field in one column, as kubectl's tabwriter lays out describe."""
    width = max((len(line.split(TAB, 1)[0]) for line in lines if TAB in line), default=0) + 2
    out = []
    for line in lines:
        if TAB in line:
            label, value = line.split(TAB, 1)
            line = f"{label:<{width}}{value}"
        out.append(line.rstrip())
    return out


def _map(label: str, values: dict[str, str] | None, sep: str = "=") -> Lines:
    if not values:
        return [_field(label, "<none>")]
    items = [f"{k}{sep}{v}" for k, v in sorted(values.items())]
    return [_field(label, items[0])] + [TAB + item for item in items[1:]]


def _when(stamp: str | None) -> str:
    """kubectl describe's time format (Go's RFC1123Z)."""
    if not stamp:
        return "<unset>"
    return parse_time(stamp).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _header(body: Body) -> Lines:
    meta = body["metadata"]
    lines = [_field("Name", meta["name"])]
    if meta.get("namespace"):
        lines.append(_field("Namespace", meta["namespace"]))
    lines += _map("Labels", meta.get("labels"))
    lines += _map("Annotations", meta.get("annotations"), ": ")
    lines.append(_field("CreationTimestamp", _when(meta.get("creationTimestamp"))))
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner:
        lines.append(_field("Controlled By", f"{owner['kind']}/{owner['name']}"))
    return lines


def _table(title: str, headers: list[str], rows: list[list[str]]) -> Lines:
    if not rows:
        return [f"{title}: <none>"] if title else []
    table = format_table(headers, [["-" * len(h) for h in headers], *rows])
    return [f"{title}:", *("  " + line for line in table.splitlines())]


def _events(cluster: Cluster, body: Body, now: datetime) -> Lines:
    events = cluster.events(obj=body)
    if not events:
        return [_field("Events", "<none>")]
    rows = []
    for e in events:
        age = human_age(e.last_timestamp, now)
        if e.count > 1:
            age += f" (x{e.count} over {human_age(e.first_timestamp, now)})"
        rows.append([e.type, e.reason, age, e.source, e.message])
    return _table("Events", ["Type", "Reason", "Age", "From", "Message"], rows)


# Kinds -----------------------------------------------------------------------------------------------
def _containers(spec: dict[str, Any], statuses: list[dict[str, Any]], indent: str = "  ") -> Lines:
    lines = []
    by_name = {s["name"]: s for s in statuses}
    for container in spec.get("containers") or []:
        lines.append(f"{indent}{container['name']}:")
        inner = indent + "  "
        lines.append(f"{inner}Image:      {container.get('image', '')}")
        ports = ", ".join(
            f"{p['containerPort']}/{p.get('protocol', 'TCP')}" for p in container.get("ports") or []
        )
        lines.append(f"{inner}Port:       {ports or '<none>'}")
        status = by_name.get(container["name"])
        if status is not None:
            lines += _state(inner, "State:      ", status.get("state") or {"waiting": {}})
            if status.get("lastState"):
                lines += _state(inner, "Last State: ", status["lastState"])
            lines.append(f"{inner}Ready:      {status.get('ready', False)}")
            lines.append(f"{inner}Restart Count:  {status.get('restartCount', 0)}")
        resources = container.get("resources") or {}
        for label in ("limits", "requests"):
            values = resources.get(label)
            if values:
                lines.append(f"{inner}{label.capitalize()}:")
                lines += [f"{inner}  {k}:  {v}" for k, v in sorted(values.items())]
        probe = container.get("readinessProbe")
        if probe:
            lines.append(
                f"{inner}Readiness:  delay={probe.get('initialDelaySeconds', 0)}s "
                f"timeout={probe.get('timeoutSeconds', 1)}s period={probe.get('periodSeconds', 10)}s"
            )
    return lines


def _state(indent: str, label: str, state: dict[str, Any]) -> Lines:
    """A container state as kubectl describes it: the word, then its reason, code and times."""
    word, detail = next(iter(state.items()))
    lines = [f"{indent}{label}{word.capitalize()}"]
    detail = detail or {}
    pad = indent + "  "
    for key, text in (("reason", "Reason"), ("message", "Message"), ("exitCode", "Exit Code")):
        if key in detail:
            lines.append(f"{pad}{text + ':':<10}  {detail[key]}")
    for key, text in (("startedAt", "Started"), ("finishedAt", "Finished")):
        if key in detail:
            lines.append(f"{pad}{text + ':':<10}  {_when(detail[key])}")
    return lines


def _pod(cluster: Cluster, pod: Body, now: datetime) -> Lines:
    spec, status = pod["spec"], pod.get("status") or {}
    node = spec.get("nodeName")
    lines = [
        _field("Priority", spec.get("priority", 0)),
        _field("Service Account", spec.get("serviceAccountName", "default")),
        _field("Node", f"{node}/{status.get('hostIP', '')}" if node else "<none>"),
        _field("Start Time", _when(status.get("startTime")) if status.get("startTime") else "<none>"),
        _field("Status", pod_status_text(pod)),
        _field("IP", status.get("podIP", "")),
        "Containers:",
        *_containers(spec, status.get("containerStatuses") or []),
    ]
    conditions = [[c["type"], c["status"]] for c in status.get("conditions") or []]
    lines += _table("Conditions", ["Type", "Status"], conditions)
    lines.append(_field("QoS Class", status.get("qosClass", "BestEffort")))
    lines += _map("Node-Selectors", spec.get("nodeSelector"))
    tolerations = [_toleration(t) for t in spec.get("tolerations") or []] or ["<none>"]
    lines.append(_field("Tolerations", tolerations[0]))
    lines += [f"{TAB}{text}" for text in tolerations[1:]]
    lines += _verdicts(cluster, pod)
    return lines


def _verdicts(cluster: Cluster, pod: Body) -> Lines:
    """Each node's verdict from the last decision that left the pod Pending."""
    verdicts = cluster.scheduling_verdicts(pod)
    if verdicts is None:
        return []
    rows = []
    for verdict in verdicts.nodes:
        if verdict.feasible:
            rows.append([verdict.node, "fits", "", f"score {verdict.score}"])
        else:
            rows.append([verdict.node, "rejected", verdict.plugin, ", ".join(verdict.reasons)])
    lines = [_field("Scheduling", verdicts.message)]
    if not rows:  # a real cluster's scheduler publishes its message only
        return lines
    return lines + _table("Node verdicts", ["Node", "Verdict", "Plugin", "Reason"], rows)


def _replicas_line(dep: Body) -> str:
    st = dep.get("status") or {}
    replicas = dep["spec"].get("replicas", 1)
    return (
        f"{replicas} desired | {st.get('updatedReplicas', 0)} updated | {st.get('replicas', 0)} total | "
        f"{st.get('availableReplicas', 0)} available | {st.get('unavailableReplicas', 0)} unavailable"
    )


def _deployment(cluster: Cluster, dep: Body, now: datetime) -> Lines:
    spec = dep["spec"]
    strategy = spec.get("strategy") or {}
    lines = [
        _field("Selector", _selector(spec.get("selector") or {})),
        _field("Replicas", _replicas_line(dep)),
        _field("StrategyType", strategy.get("type", "RollingUpdate")),
        _field("MinReadySeconds", spec.get("minReadySeconds", 0)),
    ]
    rolling = strategy.get("rollingUpdate")
    if rolling:
        lines.append(
            _field(
                "RollingUpdateStrategy",
                f"{rolling.get('maxUnavailable')} max unavailable, {rolling.get('maxSurge')} max surge",
            )
        )
    lines += ["Pod Template:", *_map("  Labels", (spec["template"].get("metadata") or {}).get("labels"))]
    lines += ["  Containers:", *_containers(spec["template"]["spec"], [], "   ")]
    conditions = [
        [c["type"], c["status"], c.get("reason", "")]
        for c in (dep.get("status") or {}).get("conditions") or []
    ]
    lines += _table("Conditions", ["Type", "Status", "Reason"], conditions)
    sets = replica_sets(cluster, dep)

    def show(group: list[Body]) -> str:
        parts = []
        for rs in group:
            created = (rs.get("status") or {}).get("replicas", 0)
            parts.append(
                f"{rs['metadata']['name']} ({created}/{rs['spec'].get('replicas', 0)} replicas created)"
            )
        return ", ".join(parts) or "<none>"

    lines += [_field("OldReplicaSets", show(sets.old)), _field("NewReplicaSet", show(sets.new))]
    return lines


def _selector(selector: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    parts += [
        f"{e['key']} {e['operator'].lower()} ({','.join(e.get('values') or [])})"
        for e in selector.get("matchExpressions") or []
    ]
    return ",".join(parts) or "<none>"


def _replicaset(cluster: Cluster, rs: Body, now: datetime) -> Lines:
    st = rs.get("status") or {}
    pods = [
        p
        for p in cluster.list("Pod", rs["metadata"]["namespace"])
        if controller_uid(p) == rs["metadata"]["uid"]
    ]
    phases = {
        phase: sum(1 for p in pods if (p.get("status") or {}).get("phase") == phase)
        for phase in ("Running", "Pending", "Succeeded", "Failed")
    }
    return [
        _field("Selector", _selector(rs["spec"].get("selector") or {})),
        _field("Replicas", f"{st.get('replicas', 0)} current / {rs['spec'].get('replicas', 1)} desired"),
        _field(
            "Pods Status",
            f"{phases['Running']} Running / {phases['Pending']} Waiting / "
            f"{phases['Succeeded']} Succeeded / {phases['Failed']} Failed",
        ),
        "Pod Template:",
        "  Containers:",
        *_containers((rs["spec"].get("template") or {}).get("spec") or {}, [], "   "),
    ]


def _service(cluster: Cluster, svc: Body, now: datetime) -> Lines:
    spec = svc["spec"]
    lines = [
        _field(
            "Selector",
            ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or "<none>",
        ),
        _field("Type", spec.get("type", "ClusterIP")),
        _field("IP", spec.get("clusterIP", "<none>")),
    ]
    endpoints = cluster.find("Endpoints", svc["metadata"]["name"], svc["metadata"]["namespace"])
    for port in spec.get("ports") or []:
        label = port.get("name") or "<unset>"
        lines.append(_field("Port", f"{label}  {port['port']}/{port.get('protocol', 'TCP')}"))
        lines.append(
            _field("TargetPort", f"{port.get('targetPort', port['port'])}/{port.get('protocol', 'TCP')}")
        )
        if port.get("nodePort"):
            lines.append(_field("NodePort", f"{label}  {port['nodePort']}/{port.get('protocol', 'TCP')}"))
        addresses = [
            f"{a['ip']}:{p['port']}"
            for s in (endpoints or {}).get("subsets") or []
            for a in s.get("addresses") or []
            for p in s.get("ports") or []
            if p.get("name", "") == port.get("name", "")
        ]
        shown = ",".join(addresses[:3]) + (f" + {len(addresses) - 3} more..." if len(addresses) > 3 else "")
        lines.append(_field("Endpoints", shown))
    lines.append(_field("Session Affinity", spec.get("sessionAffinity", "None")))
    return lines


def _namespace(cluster: Cluster, ns: Body, now: datetime) -> Lines:
    return [_field("Status", (ns.get("status") or {}).get("phase", "Active"))]


def _configmap(cluster: Cluster, cm: Body, now: datetime) -> Lines:
    """kubectl's layout: each key, a rule, its value; binary values by their size."""
    lines = ["", "Data", "===="]
    for key, value in sorted((cm.get("data") or {}).items()):
        lines += [f"{key}:", "----", str(value).expandtabs(), ""]
    lines += ["", "BinaryData", "===="]
    for key, value in sorted((cm.get("binaryData") or {}).items()):
        lines.append(f"{key}: {len(base64.b64decode(value))} bytes")
    return [*lines, ""]


def _node(cluster: Cluster, node: Body, now: datetime) -> Lines:
    status = node.get("status") or {}
    name = node["metadata"]["name"]
    pods = [
        p
        for p in cluster.list("Pod")
        if p["spec"].get("nodeName") == name
        and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    ]
    taints = [
        f"{t['key']}{'=' + t['value'] if t.get('value') else ''}:{t['effect']}"
        for t in node["spec"].get("taints") or []
    ]
    lines = [
        _field("Status", node_status_text(node)),
        _field("Taints", ", ".join(taints) or "<none>"),
        _field("Unschedulable", bool(node["spec"].get("unschedulable"))),
        _field("PodCIDR", node["spec"].get("podCIDR", "<none>")),
    ]
    lines += _table(
        "Conditions",
        ["Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message"],
        [
            [
                c.get("type", ""),
                c.get("status", ""),
                _when(c.get("lastHeartbeatTime")),
                _when(c.get("lastTransitionTime")),
                c.get("reason", ""),
                c.get("message", ""),
            ]
            for c in status.get("conditions") or []
        ],
    )
    for label in ("capacity", "allocatable"):
        lines.append(f"{label.capitalize()}:")
        lines += [f"  {k}:  {v}" for k, v in sorted((status.get(label) or {}).items())]
    usage = node_usage(node, pods)
    rows = []
    for resource in ("cpu", "memory"):
        used, total = usage[resource]
        fmt = QuantityFormat.BINARY_SI if resource == "memory" else QuantityFormat.DECIMAL_SI
        percent = f" ({int(used * 100 / total)}%)" if total else ""
        rows.append([resource, format_quantity(used, fmt) + percent])
    rows.append(["pods", f"{int(usage['pods'][0])}/{int(usage['pods'][1])}"])
    lines += _table("Allocated resources", ["Resource", "Requests"], rows)
    pod_rows = [
        [p["metadata"]["namespace"], p["metadata"]["name"], "Ready" if is_ready(p) else "NotReady"]
        for p in pods
    ]
    lines += _table(f"Non-terminated Pods ({len(pods)} in total)", ["Namespace", "Name", "Ready"], pod_rows)
    return lines


SECTIONS = {
    "Pod": _pod,
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "Service": _service,
    "Namespace": _namespace,
    "Node": _node,
    "ConfigMap": _configmap,
}


def register(app: typer.Typer) -> None:
    app.command("describe")(describe)
