"""The resources the server serves, and how a request path names one.

A path is ``/api/v1/...`` (the core group) or ``/apis/GROUP/VERSION/...``, then optionally
``namespaces/NS/``, then the resource, a name and a subresource: ``/apis/apps/v1/namespaces/shop/
deployments/web/scale``. Kinds come from the model registry; Events are served read-only from the
store's event records.
"""

from __future__ import annotations

from dataclasses import dataclass

from manikit.errors import NotFoundError
from manikit.models.registry import INTERNAL_KINDS, KINDS, KindInfo

READ_VERBS = ("get", "list", "watch")
WRITE_VERBS = ("create", "delete", "deletecollection", "patch", "update")


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    short_names: tuple[str, ...]
    namespaced: bool
    verbs: tuple[str, ...]
    subresources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """``deployments.apps``: how Status details and messages name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


#: Subresources and the kind each answers with.
SUBRESOURCE_KINDS = {
    "status": None,  # the object's own kind
    "scale": ("autoscaling", "v1", "Scale"),
    "binding": ("", "v1", "Binding"),
}
_SUBRESOURCES = {
    "Pod": ("status", "binding"),
    "Deployment": ("status", "scale"),
    "ReplicaSet": ("status", "scale"),
    "Service": ("status",),
    "Namespace": ("status",),
    "Node": ("status",),
}
_ALL = frozenset({"Pod", "Deployment", "ReplicaSet", "Service"})


def _from_info(info: KindInfo) -> Resource:
    group, _, version = info.api_version.rpartition("/")
    return Resource(
        group=group,
        version=version,
        kind=info.kind,
        plural=info.plural,
        short_names=info.short_names,
        namespaced=info.namespaced,
        verbs=(*WRITE_VERBS, *READ_VERBS),
        subresources=_SUBRESOURCES.get(info.kind, ()),
        categories=("all",) if info.kind in _ALL else (),
    )


def _build() -> dict[tuple[str, str], Resource]:
    found: dict[tuple[str, str], Resource] = {}
    event = Resource("", "v1", "Event", "events", ("ev",), True, READ_VERBS)
    for resource in [*(_from_info(i) for i in (*KINDS.values(), *INTERNAL_KINDS.values())), event]:
        key = (resource.api_version, resource.plural)
        if key in found:
            raise ValueError(f"resource {key} is registered twice")
        found[key] = resource
    return found


#: (apiVersion, plural) -> Resource: every resource the server serves.
RESOURCES = _build()
#: The group versions, in the order discovery lists them ("v1" is the core group).
GROUP_VERSIONS = ("v1", "apps/v1", "autoscaling/v1")
BY_KIND = {r.kind: r for r in RESOURCES.values()}


def resources_of(api_version: str) -> list[Resource]:
    return [r for r in RESOURCES.values() if r.api_version == api_version]


@dataclass(frozen=True)
class Target:
    """What a resource request names: a resource, maybe a namespace, a name and a subresource."""

    resource: Resource
    namespace: str | None
    name: str | None
    subresource: str | None


def parse_path(path: str) -> Target | None:
    """The target of a resource path, or None when the path is not one (discovery, openapi...)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        api_version, rest = parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        api_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        return None
    if api_version not in GROUP_VERSIONS or not rest:
        return None
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3 and (api_version, rest[2]) in RESOURCES:
        namespace, rest = rest[1], rest[2:]
    resource = RESOURCES.get((api_version, rest[0]))
    if resource is None:
        raise NotFoundError(f"the server could not find the requested resource ({rest[0]})")
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if len(rest) > 3 or (sub is not None and sub not in resource.subresources):
        raise NotFoundError("the server could not find the requested resource")
    if namespace is not None and not resource.namespaced:
        raise NotFoundError("the server could not find the requested resource")
    return Target(resource, namespace, name, sub)
