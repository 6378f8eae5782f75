"""Named locks on etcd: a key attached to a lease that the holder keeps alive from a thread, so a
holder that dies loses the lock when its lease runs out (or at once, when it was on this host)."""

from __future__ import annotations

import json
import threading

from manikit.errors import StateError
from manikit.runtime.store.base import LockHolder
from manikit.runtime.store.etcd_client import Gateway, compare, delete_op, put_op
from manikit.runtime.store.locks import is_stale

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def try_lock(gw: Gateway, key: str, holder: LockHolder, lease: int) -> bool:
    """Take the lock at ``key`` for ``holder`` on ``lease`` if it is free (or its holder is dead)."""
    value = _dumps({k: v for k, v in holder.__dict__.items() if k != "extra"})
    if gw.txn([compare(key, "VERSION", 0)], [put_op(key, value, lease)]).get("succeeded"):
        return True
    kv = gw.get(key)
    if kv is not None and json.loads(kv.value)["token"] == holder.token:
        return True  # our own put, whose answer was lost and the request retried on another member
    if kv is not None and is_stale(LockHolder(**json.loads(kv.value))):
        gw.txn([compare(key, "MOD", kv.mod_revision)], [delete_op(key)])
    return False


def read_holder(gw: Gateway, key: str) -> LockHolder | None:
    kv = gw.get(key)
    return None if kv is None else LockHolder(**json.loads(kv.value))


class KeepAlive:
    """Renews a lease every third of its TTL from a daemon thread until stopped."""

    def __init__(self, gateway: Gateway, lease: int, ttl: int) -> None:
        self._gw = gateway
        self._lease = lease
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ttl / 3,), daemon=True, name="etcd-lease")
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stopped.wait(every):
            try:
                self._gw.call("lease/keepalive", {"ID": self._lease})
            except StateError:
                continue  # the next beat tries again; the holder's own writes will report the outage

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
