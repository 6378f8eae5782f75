"""A minimal OpenAPI v3: ``/openapi/v3`` and one document per group version.

Each resource's PATCH operation carries ``x-kubernetes-group-version-kind`` and the
``fieldValidation`` parameter: that is what tells kubectl the server validates fields itself, so
``kubectl apply`` needs no schema download. No component schemas are published, so kubectl computes
strategic merge patches from its compiled-in types (the same merge keys ``patch`` uses).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from manikit.server.discovery import KUBE_VERSION
from manikit.server.resources import GROUP_VERSIONS, Resource, resources_of

QUERY_PARAMS = ("dryRun", "fieldManager", "fieldValidation", "force")


def _prefix(api_version: str) -> str:
    return f"api/{api_version}" if "/" not in api_version else f"apis/{api_version}"


def _operation(resource: Resource, verb: str) -> dict[str, Any]:
    gvk = {"group": resource.group, "version": resource.version, "kind": resource.kind}
    return {
        "operationId": f"{verb}{resource.kind}",
        "parameters": [{"name": name, "in": "query", "schema": {"type": "string"}} for name in QUERY_PARAMS],
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": verb,
        "x-kubernetes-group-version-kind": gvk,
    }


@cache
def document(api_version: str) -> dict[str, Any]:
    """The OpenAPI v3 document of one group version."""
    paths: dict[str, Any] = {}
    for resource in resources_of(api_version):
        base = f"/{_prefix(api_version)}"
        if resource.namespaced:
            base += "/namespaces/{namespace}"
        item = f"{base}/{resource.plural}/{{name}}"
        if "patch" in resource.verbs:
            paths[item] = {"get": _operation(resource, "get"), "patch": _operation(resource, "patch")}
        else:
            paths[item] = {"get": _operation(resource, "get")}
    major, minor = KUBE_VERSION
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": f"v{major}.{minor}.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }


@cache
def _hash(api_version: str) -> str:
    return (
        hashlib.sha512(json.dumps(document(api_version), sort_keys=True).encode()).hexdigest().upper()[:128]
    )


def index() -> dict[str, Any]:
    """``/openapi/v3``: where each group version's document is."""
    return {
        "paths": {
            _prefix(gv): {"serverRelativeURL": f"/openapi/v3/{_prefix(gv)}?hash={_hash(gv)}"}
            for gv in GROUP_VERSIONS
        }
    }


def lookup(path: str) -> dict[str, Any] | None:
    """The document at ``/openapi/v3/<path>``, or None."""
    rest = path.removeprefix("/openapi/v3/").strip("/")
    for gv in GROUP_VERSIONS:
        if rest == _prefix(gv):
            return document(gv)
    return None
