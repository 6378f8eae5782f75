"""A pod spec and a pod template as the API server validates them (v1.31 ValidatePodSpec,
ValidatePodTemplateSpec), shared by Pods, ReplicaSets and Deployments."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.container import DUPLICATE_CONTAINER, validate_container, validate_security_context
from manikit.kinds.field import NAME, FieldError, FieldPath, duplicate, invalid, required
from manikit.kinds.meta import validate_annotations, validate_labels
from manikit.kinds.podoptions import validate_pod_options
from manikit.kinds.scheduling import validate_scheduling
from manikit.kinds.volumes import validate_volumes
from manikit.models.pod import Container, PodSpec, PodTemplateSpec, Probe, PullPolicy


def validate_pod_spec(spec: PodSpec, path: FieldPath) -> list[FieldError]:
    # (each check below is skipped only where it has nothing to look at: the common case is quick)
    errors = validate_volumes(spec.volumes, path.child("volumes")) if spec.volumes else []
    volumes = {v.name for v in spec.volumes} if spec.volumes else set()
    host_network = bool(spec.host_network)
    if not spec.containers:
        errors.append(required(path.child("containers"), hint="a pod runs at least one container"))
    seen: set[str] = set()
    groups = (("initContainers", spec.init_containers or [], True), ("containers", spec.containers, False))
    for field, containers, init in groups:
        group = path.child(field) if containers else path
        for i, c in enumerate(containers):
            at = group.index(i)
            errors += validate_container(c, at, volumes, host_network=host_network, init=init)
            if c.name and c.name in seen:
                errors.append(
                    duplicate(
                        at.child("name"),
                        c.name,
                        code=DUPLICATE_CONTAINER,
                        hint="rename one of the containers",
                    )
                )
            seen.add(c.name)
    for i, ec in enumerate(spec.ephemeral_containers or []):
        if ec.name in seen:
            at = path.child("ephemeralContainers").index(i).child("name")
            errors.append(duplicate(at, ec.name, code=DUPLICATE_CONTAINER))
        seen.add(ec.name)
    if spec.node_selector or spec.tolerations or spec.topology_spread_constraints or spec.affinity:
        errors += validate_scheduling(spec, path)
    errors += _names(spec, path)
    if spec.dns_policy == "None" and spec.dns_config is None:
        errors.append(required(path.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"))
    if spec.security_context is not None:
        errors += validate_security_context(spec.security_context, path.child("securityContext"))
    errors += validate_pod_options(spec, path)
    return errors


def _names(spec: PodSpec, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if not (
        spec.hostname
        or spec.subdomain
        or spec.service_account_name
        or spec.node_name
        or spec.priority_class_name
        or spec.scheduler_name
        or spec.runtime_class_name
    ):
        return errors
    checks = (
        ("hostname", spec.hostname, names.dns1123_label),
        ("subdomain", spec.subdomain, names.dns1123_label),
        ("serviceAccountName", spec.service_account_name, names.dns1123_subdomain),
        ("nodeName", spec.node_name, names.dns1123_subdomain),
        ("priorityClassName", spec.priority_class_name, names.dns1123_subdomain),
        ("schedulerName", spec.scheduler_name, names.dns1123_subdomain),
        ("runtimeClassName", spec.runtime_class_name, names.dns1123_subdomain),
    )
    for field, value, rule in checks:
        if value:
            errors += [invalid(path.child(field), value, m, code=NAME) for m in rule(value)]
    return errors


def validate_pod_template(template: PodTemplateSpec, path: FieldPath) -> list[FieldError]:
    """ValidatePodTemplateSpec: the template's labels and annotations, then its pod spec."""
    meta, at = template.metadata, path.child("metadata")
    errors = validate_labels(meta.labels, at.child("labels")) if meta.labels else []
    if meta.annotations:
        errors += validate_annotations(meta.annotations, at.child("annotations"))
    return errors + validate_pod_spec(template.spec, path.child("spec"))


# Defaulting ------------------------------------------------------------------------------------------
def default_pod_spec(spec: PodSpec) -> None:
    """The API server's defaults for a pod spec (a Pod's or a template's)."""
    if spec.restart_policy is None:
        spec.restart_policy = "Always"
    if spec.dns_policy is None:
        spec.dns_policy = "ClusterFirst"
    if spec.scheduler_name is None:
        spec.scheduler_name = "default-scheduler"
    if spec.termination_grace_period_seconds is None:
        spec.termination_grace_period_seconds = 30
    if spec.enable_service_links is None:
        spec.enable_service_links = True
    for container in spec.all_containers():
        _default_container(container)


def _default_container(container: Container) -> None:
    if container.image_pull_policy is None:
        container.image_pull_policy = pull_policy_for(container.image or "")
    if container.termination_message_path is None:
        container.termination_message_path = "/dev/termination-log"
    if container.termination_message_policy is None:
        container.termination_message_policy = "File"
    for port in container.ports or []:
        if port.protocol is None:
            port.protocol = "TCP"
    for probe in (container.liveness_probe, container.readiness_probe, container.startup_probe):
        if probe is not None:
            _default_probe(probe)


def _default_probe(probe: Probe) -> None:
    if probe.timeout_seconds is None:
        probe.timeout_seconds = 1
    if probe.period_seconds is None:
        probe.period_seconds = 10
    if probe.success_threshold is None:
        probe.success_threshold = 1
    if probe.failure_threshold is None:
        probe.failure_threshold = 3
    if probe.http_get is not None:
        if probe.http_get.path is None:
            probe.http_get.path = "/"
        if probe.http_get.scheme is None:
            probe.http_get.scheme = "HTTP"


def pull_policy_for(image: str) -> PullPolicy:
    """Always for ``:latest`` or an untagged image (digests count as tagged), else IfNotPresent."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "Always"
    return "Always" if last.rsplit(":", 1)[1] == "latest" else "IfNotPresent"
