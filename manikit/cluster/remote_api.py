"""What ``RemoteCluster`` needs to speak to a Kubernetes API server through lightkube: the kinds as
lightkube generic resources (dict in, dict out), label selectors in lightkube's terms, and every
failure translated at the boundary into manikit's errors (a Status as ``from_status`` reads it)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import httpx2
from lightkube.core.exceptions import ApiError
from lightkube.core.exceptions import ConfigError as LightkubeConfigError
from lightkube.generic_resource import GenericGlobalResource, GenericNamespacedResource, create_api_info
from lightkube.operators import Operator, exists, in_, not_exists, not_in

from manikit.errors import ConfigError, NotFoundError, StateError, StatusError, from_status
from manikit.models.registry import INTERNAL_KINDS, KINDS
from manikit.models.selector import LabelSelector, parse_selector

Body = dict[str, Any]
Selector = LabelSelector | Mapping[str, str] | str | None
Generic = GenericNamespacedResource | GenericGlobalResource


@dataclass(frozen=True)
class Kind:
    """One kind as the API serves it: where it lives and whether it is namespaced."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        prefix = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        where = f"/namespaces/{namespace}" if namespace and self.namespaced else ""
        return f"{prefix}{where}/{self.plural}" + (f"/{name}" if name else "")


def _kinds() -> dict[str, Kind]:
    found = {}
    for info in (*KINDS.values(), *INTERNAL_KINDS.values()):
        group, _, version = info.api_version.rpartition("/")
        found[info.kind] = Kind(info.kind, group, version, info.plural, info.namespaced)
    found["Event"] = Kind("Event", "", "v1", "events", True)
    return found


KINDS_SERVED = _kinds()


def kind_of(kind: str) -> Kind:
    found = KINDS_SERVED.get(kind)
    if found is None:
        raise NotFoundError(f'the server doesn\'t have a resource type "{kind}"')
    return found


@functools.cache
def resource(kind: str) -> type[Generic]:
    """The lightkube resource class of ``kind``: a generic one (objects stay plain dicts), made here and
    not in lightkube's global registry, so a typed model loaded elsewhere never clashes with it."""
    k = kind_of(kind)
    base: type[Generic] = GenericNamespacedResource if k.namespaced else GenericGlobalResource
    info = create_api_info(k.group, k.version, k.kind, k.plural)
    return type(k.kind, (base,), {"_api_info": info})


def as_object(kind: str, body: Mapping[str, Any]) -> Generic:
    return cast(Generic, resource(kind).from_dict(dict(body)))


def plain(obj: Any) -> Body:
    """A lightkube generic object as the plain dict the Cluster protocol returns."""
    return dict(obj)


def label_selector(selector: Selector) -> list[tuple[str, str | Operator[Any]]] | None:
    """A label selector as lightkube's list of (key, operator) pairs; None selects everything."""
    if selector is None:
        return None
    if isinstance(selector, str):
        if not selector.strip():
            return None
        selector = parse_selector(selector)
    if not isinstance(selector, LabelSelector):
        return [(k, v) for k, v in selector.items()] or None
    pairs: list[tuple[str, str | Operator[Any]]] = list((selector.match_labels or {}).items())
    for req in selector.match_expressions or []:
        operator: Operator[Any]
        if req.operator == "In":
            operator = in_(req.values or [])
        elif req.operator == "NotIn":
            operator = not_in(req.values or [])
        else:
            operator = exists() if req.operator == "Exists" else not_exists()
        pairs.append((req.key, operator))
    return pairs or None


def status_error(exc: httpx2.HTTPStatusError) -> StateError:
    """The error a refused request says: its Status as the server sent it, else its text."""
    body: Any = None
    if exc.response is not None:
        try:
            body = exc.response.json()
        except ValueError:
            body = None
    if body is None and isinstance(exc, ApiError):
        body = exc.status.to_dict()
    if isinstance(body, dict) and body.get("kind") == "Status":
        return from_status(body)
    code = exc.response.status_code if exc.response is not None else 0
    text = exc.response.text[:300] if exc.response is not None else str(exc)
    return StatusError(f"the server answered {code}: {text}", reason="InternalError")


@contextmanager
def translated(where: Callable[[], str]) -> Iterator[None]:
    """Every failure of a request as manikit's error: a Status, an unreachable server, bad config."""
    try:
        yield
    except httpx2.HTTPStatusError as exc:
        raise status_error(exc) from exc
    except httpx2.TransportError as exc:
        raise StateError(
            f"cannot reach the Kubernetes API server at {where()}: {exc or type(exc).__name__}; "
            "is it running, and is the kubeconfig's server right?"
        ) from exc
    except LightkubeConfigError as exc:  # an exec plugin that failed, a missing token file, ...
        raise ConfigError(f"the kubeconfig for {where()} cannot be used: {exc}") from exc
