"""Discovery: ``/version``, ``/api``, ``/apis`` and each group version, legacy and aggregated (v2).

kubectl asks for aggregated discovery (``APIGroupDiscoveryList``) in its Accept header and believes
the answer only when its Content-Type is exactly the v2 media type below; otherwise it reads the
legacy documents.
"""

from __future__ import annotations

from typing import Any

from manikit import __version__
from manikit.server.resources import GROUP_VERSIONS, SUBRESOURCE_KINDS, Resource, resources_of

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
#: The Kubernetes version whose API this server follows.
KUBE_VERSION = (1, 37)


def wants_aggregated(accept: str) -> bool:
    return any(
        "as=APIGroupDiscoveryList" in part
        and "v=v2" in part.replace("v=v2beta1", "")
        and part.strip().startswith("application/json")
        for part in accept.split(",")
    )


def version() -> dict[str, Any]:
    major, minor = KUBE_VERSION
    return {
        "major": str(major),
        "minor": str(minor),
        "gitVersion": f"v{major}.{minor}.0-manikit.{__version__}",
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": "",
        "compiler": "manikit",
        "platform": "python",
    }


def _groups() -> list[tuple[str, str]]:
    """(group, version) of every API group beside the core one."""
    return [tuple(gv.split("/")) for gv in GROUP_VERSIONS if "/" in gv]  # type: ignore[misc]


def legacy_api() -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}],
    }


def legacy_apis() -> dict[str, Any]:
    groups = []
    for group, ver in _groups():
        gv = {"groupVersion": f"{group}/{ver}", "version": ver}
        groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def legacy_group(group: str) -> dict[str, Any] | None:
    for name, ver in _groups():
        if name == group:
            gv = {"groupVersion": f"{name}/{ver}", "version": ver}
            return {
                "kind": "APIGroup",
                "apiVersion": "v1",
                "name": name,
                "versions": [gv],
                "preferredVersion": gv,
            }
    return None


def _verbs(resource: Resource, subresource: str) -> list[str]:
    if subresource == "binding":
        return ["create"]
    return ["get", "patch", "update"]


def _names(resource: Resource) -> dict[str, list[str]]:
    """Short names (``po``) and categories (``all``), present only when there are some."""
    names = {"shortNames": list(resource.short_names), "categories": list(resource.categories)}
    return {key: value for key, value in names.items() if value}


def legacy_resources(api_version: str) -> dict[str, Any]:
    """The APIResourceList of a group version (subresources as ``deployments/scale``)."""
    entries: list[dict[str, Any]] = []
    for resource in resources_of(api_version):
        entry: dict[str, Any] = {
            "name": resource.plural,
            "singularName": resource.singular,
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": list(resource.verbs),
        }
        entries.append({**entry, **_names(resource)})
        for sub in resource.subresources:
            entries.append(_legacy_sub(resource, sub))
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": api_version, "resources": entries}


def _legacy_sub(resource: Resource, sub: str) -> dict[str, Any]:
    kind_of = SUBRESOURCE_KINDS[sub]
    entry: dict[str, Any] = {
        "name": f"{resource.plural}/{sub}",
        "singularName": "",
        "namespaced": resource.namespaced,
        "kind": resource.kind if kind_of is None else kind_of[2],
        "verbs": _verbs(resource, sub),
    }
    if kind_of is not None and kind_of[0] != resource.group:
        entry["group"], entry["version"] = kind_of[0], kind_of[1]
    return entry


def _aggregated_resource(resource: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": resource.plural,
        "responseKind": {"group": resource.group, "version": resource.version, "kind": resource.kind},
        "scope": "Namespaced" if resource.namespaced else "Cluster",
        "singularResource": resource.singular,
        "verbs": list(resource.verbs),
        **_names(resource),
    }
    subs = []
    for sub in resource.subresources:
        kind_of = SUBRESOURCE_KINDS[sub]
        group, ver, kind = (resource.group, resource.version, resource.kind) if kind_of is None else kind_of
        subs.append(
            {
                "subresource": sub,
                "responseKind": {"group": group, "version": ver, "kind": kind},
                "verbs": _verbs(resource, sub),
            }
        )
    if subs:
        entry["subresources"] = subs
    return entry


def aggregated(core: bool) -> dict[str, Any]:
    """The APIGroupDiscoveryList of ``/api`` (core) or ``/apis`` (every other group)."""
    items = []
    for gv in GROUP_VERSIONS:
        group, _, ver = gv.rpartition("/")
        if (group == "") != core:
            continue
        meta: dict[str, Any] = {"creationTimestamp": None}
        if group:
            meta["name"] = group
        resources = [_aggregated_resource(r) for r in resources_of(gv)]
        items.append(
            {"metadata": meta, "versions": [{"version": ver, "resources": resources, "freshness": "Current"}]}
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }
