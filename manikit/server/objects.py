"""GET, LIST, POST, PUT and DELETE on objects, and the subresources status, scale and binding.

Each handler takes the backend and a parsed ``Call`` and returns (HTTP code, body); it runs on the
store's thread, so a read-modify-write inside one handler sees no other write.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from manikit.errors import ConflictError
from manikit.server.backend import Backend, Body, EventRecord, Propagation
from manikit.server.fields import enforce
from manikit.server.ownership import manager_name
from manikit.server.resources import Resource, Target
from manikit.server.selectors import page, parse_field_selector, select
from manikit.server.status import ApiError, success

PROPAGATIONS = ("Background", "Orphan", "Foreground")


@dataclass(frozen=True)
class Call:
    target: Target
    query: Mapping[str, str]
    body: bytes = b""
    content_type: str = ""
    user_agent: str = ""
    #: ``Warning`` headers for the response (unknown fields dropped under fieldValidation=Warn)
    warnings: list[str] = field(default_factory=list)

    def check_fields(self, body: Body) -> None:
        enforce(body, self.query.get("fieldValidation"), self.warnings)

    @property
    def manager(self) -> str:
        """Who a write is by: ``fieldManager``, else the User-Agent's prefix (as kube-apiserver)."""
        return manager_name(self.query, self.user_agent)

    @property
    def dry_run(self) -> bool:
        value = self.query.get("dryRun")
        if value not in (None, "", "All"):
            raise ApiError("BadRequest", f'dryRun: Unsupported value: "{value}": supported values: "All"')
        return value == "All"

    def json_body(self) -> dict[str, Any]:
        if self.content_type.startswith("application/vnd.kubernetes.protobuf"):
            raise ApiError(
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                "application/json, application/yaml (use `kubectl apply -f` for this command)",
            )
        try:
            data = json.loads(self.body or b"{}")
        except ValueError as exc:
            raise ApiError("BadRequest", f"the request body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ApiError("BadRequest", "the request body must be a JSON object")
        return data


def list_kind(resource: Resource) -> str:
    return f"{resource.kind}List"


def event_object(record: EventRecord) -> Body:
    """A stored event as a ``v1`` Event."""
    api_version = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1"}.get(record.kind, "v1")
    return {
        "kind": "Event",
        "apiVersion": "v1",
        "metadata": {
            "name": f"{record.name}.{record.id:016x}",
            "namespace": record.namespace or "default",
            "resourceVersion": str(record.id),
            "creationTimestamp": record.first_timestamp,
        },
        "involvedObject": {
            "kind": record.kind,
            "namespace": record.namespace,
            "name": record.name,
            "uid": record.uid,
            "apiVersion": api_version,
        },
        "reason": record.reason,
        "message": record.message,
        "source": {"component": record.source},
        "firstTimestamp": record.first_timestamp,
        "lastTimestamp": record.last_timestamp,
        "count": record.count,
        "type": record.type,
        "eventTime": None,
        "reportingComponent": record.source,
        "reportingInstance": "",
    }


def current(backend: Backend, call: Call) -> tuple[list[Body], int]:
    """The objects a list or watch names (namespace, label and field selectors), and the revision."""
    target, query = call.target, call.query
    kind = target.resource.kind
    fields = parse_field_selector(query.get("fieldSelector"), kind)
    if kind == "Event":
        bodies = [event_object(r) for r in backend.events(target.namespace)]
        return select(bodies, fields), backend.revision()
    bodies, revision = backend.list(kind, target.namespace, query.get("labelSelector") or None)
    return select(bodies, fields), revision


def list_objects(backend: Backend, call: Call) -> tuple[int, Body]:
    bodies, revision = current(backend, call)
    limit = int(call.query["limit"]) if call.query.get("limit", "").isdigit() else None
    items, token, revision = page(bodies, limit, call.query.get("continue"), revision)
    meta: dict[str, Any] = {"resourceVersion": str(revision)}
    if token:
        meta["continue"] = token
        meta["remainingItemCount"] = len(bodies) - len(items)
    resource = call.target.resource
    return 200, {
        "kind": list_kind(resource),
        "apiVersion": resource.api_version,
        "metadata": meta,
        "items": items,
    }


def get_object(backend: Backend, call: Call) -> tuple[int, Body]:
    target = call.target
    name = target.name or ""
    if target.resource.kind == "Event":
        for event in current(backend, call)[0]:
            if event["metadata"]["name"] == name:
                return 200, event
        raise ApiError("NotFound", f'events "{name}" not found', _details(target))
    body = backend.get(target.resource.kind, name, target.namespace)
    if target.subresource == "scale":
        return 200, scale_of(body)
    return 200, body


def scale_of(body: Body) -> Body:
    """An autoscaling/v1 Scale of a Deployment or ReplicaSet."""
    meta = body["metadata"]
    selector = (body["spec"].get("selector") or {}).get("matchLabels") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": body["spec"].get("replicas", 1)},
        "status": {
            "replicas": (body.get("status") or {}).get("replicas", 0),
            "selector": ",".join(f"{k}={v}" for k, v in sorted(selector.items())),
        },
    }


def _details(target: Target) -> dict[str, Any]:
    details: dict[str, Any] = {"kind": target.resource.plural}
    if target.name:
        details["name"] = target.name
    if target.resource.group:
        details["group"] = target.resource.group
    return details


def check_identity(target: Target, body: Body, *, named: bool) -> None:
    resource = target.resource
    if body.get("kind") != resource.kind or body.get("apiVersion") != resource.api_version:
        raise ApiError(
            "BadRequest",
            f"the API version in the data ({body.get('apiVersion')}) and kind ({body.get('kind')}) do not "
            f"match the request ({resource.api_version}, {resource.kind})",
        )
    meta = body.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise ApiError("BadRequest", "metadata must be an object")
    if resource.namespaced and target.namespace:
        if meta.get("namespace") not in (None, "", target.namespace):
            raise ApiError(
                "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request",
            )
        meta["namespace"] = target.namespace
    if named and meta.get("name") != target.name:
        raise ApiError("BadRequest", "the name of the object does not match the name on the URL")


def create_object(backend: Backend, call: Call) -> tuple[int, Body]:
    target = call.target
    body = call.json_body()
    if target.subresource == "binding":
        node = ((body.get("target") or {}).get("name")) or ""
        if not node:
            raise ApiError("Invalid", 'Binding "" is invalid: target.name: Required value')
        backend.bind(target.namespace or "default", target.name or "", node, call.dry_run)
        return 201, success()
    if target.name is not None or target.resource.kind == "Event":
        raise ApiError("MethodNotAllowed", "the server does not allow this method on the requested resource")
    check_identity(target, body, named=False)
    call.check_fields(body)
    return 201, backend.create(body, target.namespace, call.dry_run, call.manager)


def write_owned(backend: Backend, call: Call, body: Body) -> Body:
    """PUT or PATCH of the object itself, recorded as an Update by the call's manager."""
    return backend.update(body, call.dry_run, call.manager)


def replace_object(backend: Backend, call: Call) -> tuple[int, Body]:
    target = call.target
    body = call.json_body()
    if target.subresource == "scale":
        return 200, scale_of(write_scale(backend, call, body))
    check_identity(target, body, named=True)
    call.check_fields(body)
    if target.subresource == "status":
        return 200, backend.update_status(body, call.dry_run, call.manager)
    return 200, write_owned(backend, call, body)


def write_scale(backend: Backend, call: Call, scale: Body) -> Body:
    """Set ``spec.replicas`` from a Scale (its resourceVersion, when given, must be current)."""
    target = call.target
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        raise ApiError(
            "Invalid",
            f'Scale.autoscaling "{target.name}" is invalid: spec.replicas: Invalid value: {replicas!r}: '
            "must be greater than or equal to 0",
        )
    live = backend.get(target.resource.kind, target.name or "", target.namespace)
    body = copy.deepcopy(live)
    wanted_rv = (scale.get("metadata") or {}).get("resourceVersion")
    if wanted_rv:
        body["metadata"]["resourceVersion"] = wanted_rv
    body["spec"]["replicas"] = replicas
    return backend.update(body, call.dry_run, call.manager, "scale")


def delete_collection(backend: Backend, call: Call) -> tuple[int, Body]:
    """DELETE on a collection: every object the selectors match (``kubectl delete --all``'s verb),
    one transaction, answered with the list of what was deleted."""
    resource = call.target.resource
    if resource.kind == "Event":
        raise ApiError("MethodNotAllowed", "the server does not allow this method on the requested resource")
    options = call.json_body() if call.body.strip() else {}
    policy = _propagation(options, call.query)
    bodies, _ = current(backend, call)
    deleted = backend.delete_many(resource.kind, bodies, policy, call.dry_run, _grace(options, call.query))
    meta = {"resourceVersion": str(backend.revision())}
    return 200, {
        "kind": list_kind(resource),
        "apiVersion": resource.api_version,
        "metadata": meta,
        "items": deleted,
    }


def _grace(options: Mapping[str, Any], query: Mapping[str, str]) -> int | None:
    """DeleteOptions' gracePeriodSeconds (body or query): None for the object's own, 0 for at once."""
    value = options.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
    if value is None:
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise ApiError(
            "BadRequest", f"gracePeriodSeconds: Invalid value: {value!r}: must be an integer"
        ) from None
    if seconds < 0:
        raise ApiError("BadRequest", f"gracePeriodSeconds: Invalid value: {seconds}: must be >= 0")
    return seconds


def _propagation(options: Mapping[str, Any], query: Mapping[str, str]) -> Propagation:
    policy = options.get("propagationPolicy") or query.get("propagationPolicy") or "Background"
    if options.get("orphanDependents") is True:
        policy = "Orphan"
    if policy not in PROPAGATIONS:
        raise ApiError(
            "BadRequest",
            f'propagationPolicy: Unsupported value: "{policy}": '
            'supported values: "Background", "Foreground", "Orphan"',
        )
    return cast(Propagation, policy)


def delete_object(backend: Backend, call: Call) -> tuple[int, Body]:
    if call.target.name is None:
        return delete_collection(backend, call)
    target = call.target
    options = call.json_body() if call.body.strip() else {}
    propagation = _propagation(options, call.query)
    kind, name = target.resource.kind, target.name or ""
    pre = options.get("preconditions") or {}
    live = backend.get(kind, name, target.namespace)
    uid = live["metadata"].get("uid")
    if pre.get("uid") and pre["uid"] != uid:
        raise ConflictError(
            f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: {uid}"
        )
    deleted = backend.delete(
        kind,
        name,
        target.namespace,
        propagation,
        pre.get("resourceVersion"),
        call.dry_run,
        _grace(options, call.query),
    )
    return 200, deleted
