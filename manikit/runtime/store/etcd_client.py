"""A thin etcd v3 client over etcd's JSON gRPC gateway (via etcd3gw): endpoints, failover, txns.

``etcd://host:port[,host:port...]/prefix[?max_txn_ops=128&lock_ttl=15]`` names a cluster and the
key prefix manikit keeps its state under. A request that cannot reach one member (refused, timed out,
no leader yet) is retried on the next member until a deadline, so losing a minority of members is
invisible to the caller.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from manikit.errors import ConfigError, StateError

SCHEME = "etcd://"
DEFAULT_PORT = 2379
DEFAULT_PREFIX = "manikit"
#: etcd's own default for --max-txn-ops; a cluster started with a larger one may say so in the URL.
DEFAULT_MAX_TXN_OPS = 128
DEFAULT_LOCK_TTL = 15
#: How much of a request's body one txn may carry: etcd refuses requests over --max-request-bytes
#: (1.5 MiB by default), and keys and values travel base64-encoded.
MAX_TXN_BYTES = 700_000
PAGE = 500
Json = dict[str, Any]


def is_etcd_url(text: str) -> bool:
    return text.startswith(SCHEME)


@dataclass(frozen=True)
class EtcdUrl:
    """A parsed ``etcd://`` state URL."""

    endpoints: tuple[tuple[str, int], ...]
    prefix: str
    max_txn_ops: int = DEFAULT_MAX_TXN_OPS
    lock_ttl: int = DEFAULT_LOCK_TTL

    def __str__(self) -> str:
        hosts = ",".join(f"{host}:{port}" for host, port in self.endpoints)
        return f"{SCHEME}{hosts}/{self.prefix}"


def parse_etcd_url(text: str) -> EtcdUrl:
    """Parse ``etcd://h1:p1,h2:p2/prefix?max_txn_ops=N&lock_ttl=S``; ConfigError says what is wrong."""
    if not is_etcd_url(text):
        raise ConfigError(f"{text!r} is not an etcd URL like etcd://127.0.0.1:2379/manikit")
    rest, _, query = text[len(SCHEME) :].partition("?")
    hosts, _, prefix = rest.partition("/")
    endpoints = tuple(_endpoint(part, text) for part in hosts.split(",") if part)
    if not endpoints:
        raise ConfigError(f"{text}: name at least one endpoint, as in etcd://127.0.0.1:2379/manikit")
    prefix = prefix.strip("/") or DEFAULT_PREFIX
    options = {key: values[-1] for key, values in parse_qs(query).items()}
    unknown = sorted(set(options) - {"max_txn_ops", "lock_ttl"})
    if unknown:
        raise ConfigError(f"{text}: unknown option {unknown[0]!r} (known: max_txn_ops, lock_ttl)")
    return EtcdUrl(
        endpoints,
        prefix,
        _positive(options.get("max_txn_ops", DEFAULT_MAX_TXN_OPS), "max_txn_ops", text),
        _positive(options.get("lock_ttl", DEFAULT_LOCK_TTL), "lock_ttl", text),
    )


def _endpoint(part: str, text: str) -> tuple[str, int]:
    host, _, port = part.rpartition(":") if ":" in part else (part, "", str(DEFAULT_PORT))
    if not host or not port.isdigit():
        raise ConfigError(f"{text}: endpoint {part!r} is not host:port")
    return host, int(port)


def _positive(value: str | int, name: str, text: str) -> int:
    if isinstance(value, int):
        return value
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{text}: {name}={value!r} is not a positive whole number")
    return int(value)


# Encoding ------------------------------------------------------------------------------------------
def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str) -> str:
    return base64.b64decode(text).decode()


def prefix_end(prefix: str) -> str:
    """The range end that covers every key starting with ``prefix`` (which ends in "/")."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def put_op(key: str, value: str, lease: int = 0) -> Json:
    request: Json = {"key": b64(key), "value": b64(value)}
    if lease:
        request["lease"] = str(lease)
    return {"request_put": request}


def delete_op(key: str, range_end: str | None = None) -> Json:
    request: Json = {"key": b64(key)}
    if range_end is not None:
        request["range_end"] = b64(range_end)
    return {"request_delete_range": request}


def range_op(key: str) -> Json:
    return {"request_range": {"key": b64(key)}}


def compare(key: str, target: str, value: int | str) -> Json:
    """A txn guard: ``target`` is MOD, VERSION or VALUE (mod_revision, version, value) EQUAL ``value``."""
    field = {"MOD": "mod_revision", "VERSION": "version", "VALUE": "value"}[target]
    operand = b64(str(value)) if target == "VALUE" else str(value)
    return {"key": b64(key), "target": target, "result": "EQUAL", field: operand}


@dataclass(frozen=True)
class Kv:
    key: str
    value: str
    mod_revision: int
    create_revision: int
    lease: int


def decode_kvs(response: Json) -> list[Kv]:
    return [
        Kv(
            unb64(kv["key"]),
            unb64(kv.get("value", "")),
            int(kv.get("mod_revision", 0)),
            int(kv.get("create_revision", 0)),
            int(kv.get("lease", 0)),
        )
        for kv in response.get("kvs", [])
    ]


def op_size(op: Json) -> int:
    """Roughly the bytes an op adds to a request (its base64 key and value)."""
    request = next(iter(op.values()))
    return len(request.get("key", "")) + len(request.get("value", "")) + 32


# The gateway ---------------------------------------------------------------------------------------
class Gateway:
    """etcd's JSON API on several members: each call goes to the current member and fails over."""

    def __init__(self, url: EtcdUrl, timeout: float = 5.0, deadline: float = 20.0) -> None:
        try:  # imported here: the etcd backend is an optional extra
            from etcd3gw.client import Etcd3Client
        except ImportError as exc:
            raise ConfigError(
                f"--state {url} needs the etcd client: pip install 'manikit[etcd]' ({exc})"
            ) from exc

        self.url = url
        self.deadline = deadline
        self._clients = [
            Etcd3Client(host=host, port=port, timeout=timeout, api_path="/v3/")
            for host, port in url.endpoints
        ]
        self._current = 0

    def call(self, path: str, payload: Json, deadline: float | None = None) -> Json:
        """POST ``payload`` to ``/v3/<path>``, failing over across members until the deadline."""
        from etcd3gw import exceptions

        retriable = (
            exceptions.ConnectionFailedError,
            exceptions.ConnectionTimeoutError,
            exceptions.InternalServerError,
        )
        start = time.monotonic()
        give_up = start + (self.deadline if deadline is None else deadline)
        attempt = 0
        answered = False  # a member answered over HTTP (e.g. 503 while the cluster elects a leader)
        while True:
            client = self._clients[self._current]
            try:
                result: Json = client.post(client.get_url(path), json=payload)
                return result
            except retriable as exc:
                last = exc
                answered = answered or len(exc.args) >= 2  # (body, reason): an HTTP error, not a refusal
            except exceptions.Etcd3Exception as exc:
                raise StateError(f"etcd at {self.url} refused a request: {_short(exc)}") from exc
            attempt += 1
            self._current = (self._current + 1) % len(self._clients)
            if answered and time.monotonic() >= give_up and give_up < start + self.deadline:
                # a short deadline is for failing fast when nothing runs there; live members that
                # are electing a leader (a member just died) get the full deadline
                give_up = start + self.deadline
            if time.monotonic() >= give_up:
                raise StateError(
                    f"cannot reach etcd at {self.url} ({type(last).__name__}: {_short(last)}); "
                    "is the cluster running and is --state right?"
                ) from last
            if attempt % len(self._clients) == 0:
                time.sleep(min(0.05 * attempt, 0.5))

    def txn(self, compares: Sequence[Json], success: Sequence[Json], deadline: float | None = None) -> Json:
        return self.call(
            "kv/txn", {"compare": list(compares), "success": list(success), "failure": []}, deadline
        )

    def range(
        self, key: str, revision: int = 0, *, keys_only: bool = False, start: str | None = None
    ) -> Iterator[Kv]:
        """Every key under the prefix ``key`` (ending in "/"), from ``start`` if given, at ``revision``
        (0: the latest), fetched in pages."""
        end = b64(prefix_end(key))
        begin = b64(start or key)
        while True:
            payload: Json = {"key": begin, "range_end": end, "limit": PAGE, "revision": revision}
            if keys_only:
                payload["keys_only"] = True
            response = self.call("kv/range", payload)
            kvs = decode_kvs(response)
            yield from kvs
            if not response.get("more") or not kvs:
                return
            begin = b64(kvs[-1].key + "\0")

    def get(self, key: str, revision: int = 0) -> Kv | None:
        kvs = decode_kvs(self.call("kv/range", {"key": b64(key), "revision": revision}))
        return kvs[0] if kvs else None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
