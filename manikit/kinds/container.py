"""A container as the API server validates it (v1.31 validateContainers, validateContainerCommon):
name, image, ports, env, volume mounts, probes, lifecycle hooks, security context and resources."""

from __future__ import annotations

from typing import Any

from manikit.kinds import names
from manikit.kinds.env import validate_env
from manikit.kinds.field import (
    NAME,
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    invalid,
    not_found,
    required,
)
from manikit.kinds.resources import plain_resources, validate_resources
from manikit.models.base import IntOrString
from manikit.models.pod import Container, Probe, SecurityContext
from manikit.models.podextras import LifecycleHandler

DUPLICATE_CONTAINER = ("MK206", "duplicate-container-name")
INT32_MAX = 2147483647


def validate_container(
    c: Container, path: FieldPath, volumes: set[str], *, host_network: bool, init: bool
) -> list[FieldError]:
    if not init and is_plain(c, volumes, host_network):
        return []  # the common case, decided without building paths or error lists
    errors: list[FieldError] = []
    if not c.name:
        errors.append(required(path.child("name")))
    for message in names.dns1123_label(c.name):
        hint = f'e.g. "{names.suggest_name(c.name)}"' if names.suggest_name(c.name) else ""
        errors.append(invalid(path.child("name"), c.name, message, code=NAME, hint=hint))
    if not c.image:
        errors.append(required(path.child("image"), hint="name the image to run, e.g. image: nginx:1.27"))
    elif c.image != c.image.strip():
        errors.append(invalid(path.child("image"), c.image, "must not have leading or trailing whitespace"))
    errors += _ports(c, path, host_network)
    errors += validate_env(c, path)
    errors += _mounts(c, path, volumes)
    errors += _probes(c, path, init)
    errors += _lifecycle(c, path, init)
    if c.security_context is not None:
        errors += validate_security_context(c.security_context, path.child("securityContext"))
    if c.resources is not None:
        errors += validate_resources(c.resources, path.child("resources"))
    return errors


def is_plain(c: Container, volumes: set[str], host_network: bool) -> bool:
    """True only when ``validate_container`` (of an app container) finds nothing: a conservative
    predicate, one pass over what valid containers hold; anything rarer is left to the full checks.
    tests/kinds/test_plain_containers.py checks it against them on generated containers."""
    name, image = c.name, c.image
    if not name or names.dns1123_label(name) or not image or image != image.strip():
        return False
    if c.env_from or c.lifecycle is not None:
        return False
    if c.ports and not _plain_ports(c.ports, host_network):
        return False
    for env in c.env or ():
        if env.value_from is not None or not env.name or names.env_var_name(env.name):
            return False
    if c.volume_mounts and not _plain_mounts(c.volume_mounts, volumes):
        return False
    for probe, liveness_or_startup in (
        (c.liveness_probe, True),
        (c.readiness_probe, False),
        (c.startup_probe, True),
    ):
        if probe is not None and not _plain_probe(probe, liveness_or_startup):
            return False
    sc = c.security_context
    if sc is not None and not _plain_security_context(sc):
        return False
    return c.resources is None or plain_resources(c.resources)


def _plain_ports(ports: list[Any], host_network: bool) -> bool:
    seen: set[str] = set()
    for port in ports:
        name = port.name
        if name:
            if name in seen or names.port_name(name):
                return False
            seen.add(name)
        if host_network and port.host_port and port.host_port != port.container_port:
            return False
    return True


def _plain_mounts(mounts: list[Any], volumes: set[str]) -> bool:
    paths: set[str] = set()
    for mount in mounts:
        if not mount.name or mount.name not in volumes or not mount.mount_path or mount.mount_path in paths:
            return False
        paths.add(mount.mount_path)
        sub = mount.sub_path
        if mount.sub_path_expr or (sub and (sub.startswith("/") or ".." in sub.split("/"))):
            return False
    return True


def _plain_probe(probe: Probe, liveness_or_startup: bool) -> bool:
    given = [h for h in (probe.exec, probe.http_get, probe.tcp_socket, probe.grpc) if h is not None]
    if len(given) != 1:
        return False
    port = vars(given[0]).get("port")
    if port is not None and (names.port_number(port) if isinstance(port, int) else names.port_name(port)):
        return False
    if liveness_or_startup:
        return probe.success_threshold in (None, 1)
    return probe.termination_grace_period_seconds is None


def _plain_security_context(sc: Any) -> bool:
    fields = vars(sc)
    for value in (fields.get("run_as_user"), fields.get("run_as_group"), fields.get("fs_group")):
        if value is not None and not 0 <= value <= INT32_MAX:
            return False
    if fields.get("supplemental_groups"):
        return False
    return not (fields.get("privileged") and fields.get("allow_privilege_escalation") is False)


def _ports(c: Container, path: FieldPath, host_network: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, port in enumerate(c.ports or []):
        if port.name:
            for message in names.port_name(port.name):
                errors.append(
                    invalid(path.child("ports").index(i).child("name"), port.name, message, code=NAME)
                )
            if port.name in seen:
                errors.append(
                    duplicate(
                        path.child("ports").index(i).child("name"),
                        port.name,
                        hint="give each port of a container its own name",
                    )
                )
            seen.add(port.name)
        if host_network and port.host_port and port.host_port != port.container_port:
            errors.append(
                invalid(
                    path.child("ports").index(i).child("hostPort"),
                    port.host_port,
                    "must match `containerPort` when `hostNetwork` is true",
                    hint=f"use hostPort: {port.container_port} or leave it out",
                )
            )
    return errors


def _mounts(c: Container, path: FieldPath, volumes: set[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    paths: set[str] = set()
    for i, mount in enumerate(c.volume_mounts or []):
        at = path.child("volumeMounts").index(i)
        if not mount.name:
            errors.append(required(at.child("name")))
        elif mount.name not in volumes:
            errors.append(
                not_found(at.child("name"), mount.name, hint="add a volume of that name to the pod's volumes")
            )
        if not mount.mount_path:
            errors.append(required(at.child("mountPath")))
        elif mount.mount_path in paths:
            errors.append(invalid(at.child("mountPath"), mount.mount_path, "must be unique"))
        paths.add(mount.mount_path)
        if mount.sub_path and mount.sub_path_expr:
            errors.append(
                invalid(
                    at.child("subPathExpr"),
                    mount.sub_path_expr,
                    "subPathExpr and subPath are mutually exclusive",
                )
            )
        for sub, value in (("subPath", mount.sub_path), ("subPathExpr", mount.sub_path_expr)):
            if value and (value.startswith("/") or ".." in value.split("/")):
                why = "must be a relative path" if value.startswith("/") else "must not contain '..'"
                errors.append(invalid(at.child(sub), value, why))
    return errors


def _probes(c: Container, path: FieldPath, init: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    sidecar = c.restart_policy == "Always"
    for field, probe in (
        ("livenessProbe", c.liveness_probe),
        ("readinessProbe", c.readiness_probe),
        ("startupProbe", c.startup_probe),
    ):
        if probe is None:
            continue
        at = path.child(field)
        if init and not sidecar:
            errors.append(forbidden(at, "may not be set for init containers without restartPolicy=Always"))
            continue
        errors += _handlers(probe, at, _probe_handlers(probe), "must specify a handler type")
        if field != "readinessProbe" and probe.success_threshold not in (None, 1):
            errors.append(invalid(at.child("successThreshold"), probe.success_threshold, "must be 1"))
        if field == "readinessProbe" and probe.termination_grace_period_seconds is not None:
            errors.append(
                invalid(
                    at.child("terminationGracePeriodSeconds"),
                    probe.termination_grace_period_seconds,
                    "must not be set for readinessProbes",
                )
            )
    return errors


def _probe_handlers(probe: Probe) -> list[tuple[str, Any]]:
    return [
        ("exec", probe.exec),
        ("httpGet", probe.http_get),
        ("tcpSocket", probe.tcp_socket),
        ("grpc", probe.grpc),
    ]


def _lifecycle_handlers(handler: LifecycleHandler) -> list[tuple[str, Any]]:
    return [
        ("exec", handler.exec),
        ("httpGet", handler.http_get),
        ("tcpSocket", handler.tcp_socket),
        ("sleep", handler.sleep),
    ]


def _handlers(
    owner: Any, at: FieldPath, handlers: list[tuple[str, Any]], none_message: str
) -> list[FieldError]:
    given = [(name, h) for name, h in handlers if h is not None]
    if not given:
        return [required(at, none_message, hint="give exactly one of " + ", ".join(n for n, _ in handlers))]
    errors = [forbidden(at.child(name), "may not specify more than 1 handler type") for name, _ in given[1:]]
    for name, handler in given:
        port: IntOrString | None = vars(handler).get("port")  # (exec and sleep have none)
        if port is None:
            continue
        wrong = names.port_number(port) if isinstance(port, int) else names.port_name(port)
        if wrong:  # the path is built only for an error
            errors += _port_or_name(port, at.child(name, "port"))
    return errors


def _port_or_name(port: IntOrString, at: FieldPath) -> list[FieldError]:
    if isinstance(port, int):
        return [invalid(at, port, m) for m in names.port_number(port)]
    return [invalid(at, port, m, code=NAME) for m in names.port_name(port)]


def _lifecycle(c: Container, path: FieldPath, init: bool) -> list[FieldError]:
    if c.lifecycle is None:
        return []
    at = path.child("lifecycle")
    if init and c.restart_policy != "Always":
        return [forbidden(at, "may not be set for init containers without restartPolicy=Always")]
    errors: list[FieldError] = []
    for field, handler in (("postStart", c.lifecycle.post_start), ("preStop", c.lifecycle.pre_stop)):
        if handler is not None:
            errors += _handlers(
                handler, at.child(field), _lifecycle_handlers(handler), "must specify a handler type"
            )
    return errors


def validate_security_context(sc: SecurityContext | Any, path: FieldPath) -> list[FieldError]:
    """User and group ids within 0..2^31-1; privileged excludes allowPrivilegeEscalation: false."""
    if sc is None:
        return []
    errors: list[FieldError] = []
    fields = vars(sc)  # a model's fields: a pod's context has fsGroup and supplementalGroups, a container's
    # not (getattr with a default would go through pydantic's __getattr__ and an exception each time)
    for field, value in (
        ("runAsUser", sc.run_as_user),
        ("runAsGroup", sc.run_as_group),
        ("fsGroup", fields.get("fs_group")),
    ):
        if value is not None and not 0 <= value <= INT32_MAX:
            errors.append(invalid(path.child(field), value, f"must be between 0 and {INT32_MAX}, inclusive"))
    for i, group in enumerate(fields.get("supplemental_groups") or []):
        if not 0 <= group <= INT32_MAX:
            errors.append(
                invalid(
                    path.child("supplementalGroups").index(i),
                    group,
                    f"must be between 0 and {INT32_MAX}, inclusive",
                )
            )
    if fields.get("privileged") and fields.get("allow_privilege_escalation") is False:
        errors.append(
            invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        )
    return errors
