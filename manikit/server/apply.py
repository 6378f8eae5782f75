"""Server-side apply (``application/apply-patch+yaml``): the request's part. The merge, the conflicts
and ``managedFields`` are the control plane's (``manikit.fields.applying``)."""

from __future__ import annotations

import json

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from manikit.fields import check_applier
from manikit.server.backend import Backend, Body
from manikit.server.objects import Call, check_identity
from manikit.server.status import ApiError


def decode(body: bytes) -> Body:
    try:
        data = json.loads(body)
    except ValueError:
        try:
            data = YAML(typ="safe", pure=True).load(body.decode("utf-8", "replace"))
        except YAMLError as exc:
            raise ApiError("BadRequest", f"the applied configuration is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError("BadRequest", "the applied configuration must be an object")
    return data


def server_side_apply(backend: Backend, call: Call) -> tuple[int, Body]:
    """PATCH with an applied configuration: the control plane merges it and records the manager."""
    target = call.target
    manager = check_applier(call.query.get("fieldManager") or "")
    if target.subresource is not None:
        raise ApiError(
            "MethodNotAllowed", f"server-side apply to the {target.subresource} subresource is not supported"
        )
    config = decode(call.body)
    check_identity(target, config, named=True)
    call.check_fields(config)
    force = call.query.get("force") in ("true", "1")
    created, body = backend.apply(config, manager, force, call.dry_run)
    return (201 if created else 200), body
