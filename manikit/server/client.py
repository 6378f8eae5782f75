"""``--state https://HOST:PORT``: manikit's read commands against a running ``manikit serve``.

A ``Store`` over the REST API, for reading only: ``get``, ``describe``, ``events`` in one terminal see
what kubectl or ``manikit serve`` did in another. The token and certificate authority come from the
kubeconfig that names this server (``KUBECONFIG``, else ``.manikit/kubeconfig``). Writes are refused
with a hint: the server's own controllers must be the only ones reconciling, so write with kubectl.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import os
import ssl
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NoReturn, TypeGuard

import httpx
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from manikit.errors import ConfigError, NotFoundError, StateError, UserError, from_status
from manikit.server.backend import EventRecord, HistoryEntry, LockHolder, StoredObject
from manikit.server.resources import BY_KIND

SCHEMES = ("https://", "http://")
DEFAULT_KUBECONFIG = Path(".manikit") / "kubeconfig"
#: the note that keeps ``control_plane`` from creating the default cluster: the server owns that
_KNOWN_NOTES = {("cluster", "default-created"): True}


def is_served(state: str | None) -> TypeGuard[str]:
    return state is not None and state.startswith(SCHEMES)


def _credentials(url: str) -> tuple[str | None, ssl.SSLContext | bool]:
    path = Path(os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or DEFAULT_KUBECONFIG)
    try:
        config = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the kubeconfig for {url} ({exc}); set KUBECONFIG") from exc
    cluster = next(
        (c["cluster"] for c in config.get("clusters") or [] if c["cluster"].get("server") == url), None
    )
    if cluster is None:
        raise ConfigError(
            f"{path} has no cluster whose server is {url}; set KUBECONFIG to the one serve wrote"
        )
    users: list[dict[str, Any]] = config.get("users") or [{}]
    user: dict[str, Any] = users[0].get("user") or {}
    verify: ssl.SSLContext | bool = True
    if cluster.get("certificate-authority-data"):
        pem = base64.b64decode(cluster["certificate-authority-data"]).decode()
        verify = ssl.create_default_context(cadata=pem)
    return user.get("token"), verify


def _path(kind: str, namespace: str | None, name: str | None = None) -> str:
    resource = BY_KIND.get(kind)
    if resource is None:
        raise NotFoundError(f'the server doesn\'t have a resource type "{kind}"')
    prefix = f"/apis/{resource.api_version}" if resource.group else f"/api/{resource.version}"
    where = f"/namespaces/{namespace}" if namespace and resource.namespaced else ""
    return f"{prefix}{where}/{resource.plural}" + (f"/{name}" if name else "")


class ServedStore:
    """The read half of the ``Store`` protocol over a served control plane."""

    def __init__(self, url: str) -> None:
        token, verify = _credentials(url)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._url = url
        self._http = httpx.Client(base_url=url, headers=headers, verify=verify, timeout=30)

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        try:
            answer = self._http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise StateError(
                f"cannot reach the server at {self._url}: {exc}; is `manikit serve` running?"
            ) from exc
        if answer.status_code == 404 and answer.json().get("reason") == "NotFound":
            return None
        if answer.status_code >= 400:
            raise _refusal(answer)
        return answer.json()

    @property
    def identity(self) -> str:
        return self._url

    @property
    def location(self) -> str:
        return self._url

    @property
    def in_transaction(self) -> bool:
        return False

    def transaction(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()

    def revision(self) -> int:
        return int(self._get("/api/v1/namespaces")["metadata"]["resourceVersion"])

    def get(self, kind: str, namespace: str, name: str) -> StoredObject | None:
        body = self._get(_path(kind, namespace, name))
        if body is None:
            return None
        return StoredObject(kind, namespace, name, int(body["metadata"]["resourceVersion"]), body)

    def list(
        self, kind: str, namespace: str | None = None, labels: Mapping[str, str] | None = None
    ) -> builtins.list[StoredObject]:
        params = (
            {"labelSelector": ",".join(f"{k}={v}" for k, v in (labels or {}).items())} if labels else None
        )
        items = (self._get(_path(kind, namespace), params) or {}).get("items") or []
        return [
            StoredObject(
                kind,
                b["metadata"].get("namespace", ""),
                b["metadata"]["name"],
                int(b["metadata"]["resourceVersion"]),
                b,
            )
            for b in items
        ]

    def count(self, kind: str, namespace: str | None = None) -> int:
        return len(self.list(kind, namespace))

    def namespaces_in_use(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for kind, resource in BY_KIND.items():
            if resource.namespaced and kind != "Event":
                for obj in self.list(kind):
                    found[obj.namespace] = found.get(obj.namespace, 0) + 1
        return found

    def history(self, since: int, kinds: Sequence[str] | None = None) -> Iterator[HistoryEntry]:
        return iter(())

    def events(
        self, namespace: str | None = None, uid: str | None = None, kind: str | None = None
    ) -> builtins.list[EventRecord]:
        found = []
        for event in (self._get(_path("Event", namespace)) or {}).get("items") or []:
            involved = event["involvedObject"]
            if (uid and involved.get("uid") != uid) or (kind and involved.get("kind") != kind):
                continue
            found.append(
                EventRecord(
                    kind=involved["kind"],
                    namespace=involved.get("namespace", ""),
                    name=involved["name"],
                    uid=involved.get("uid", ""),
                    type=event["type"],
                    reason=event["reason"],
                    message=event["message"],
                    source=(event.get("source") or {}).get("component", ""),
                    first_timestamp=event["firstTimestamp"],
                    last_timestamp=event["lastTimestamp"],
                    count=event.get("count", 1),
                )
            )
        return found

    def get_note(self, topic: str, key: str) -> Any:
        return _KNOWN_NOTES.get((topic, key))

    def put_note(self, topic: str, key: str, value: Any) -> None:
        if (topic, key) != ("clock", "now"):  # the server keeps its own clock
            self._refuse()

    def lock_holder(self, name: str) -> LockHolder | None:
        return None

    def close(self) -> None:
        self._http.close()

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise UserError(
            f"{self._url} is a served control plane: manikit reads it, but writes go through its API "
            "(KUBECONFIG=... kubectl apply|delete|scale ...) so that only its own controllers reconcile"
        )

    create = update = delete = record_event = delete_events = delete_note = acquire_lock = _refuse
    copy_in_memory = _refuse


def _refusal(answer: httpx.Response) -> StateError:
    """The server's answer as the error it carries (its Status as sent), else its text."""
    try:
        body = answer.json()
    except ValueError:
        return StateError(answer.text[:500])
    if isinstance(body, dict) and body.get("kind") == "Status":
        return from_status(body)
    return StateError(str(body)[:500])
