"""What every backend's named locks share: who a holder is, when it is stale, how to say it is held."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime

from manikit.runtime.store.base import LockHolder


def new_holder(name: str, command: str) -> LockHolder:
    """This process as the holder of lock ``name``, running ``command``."""
    return LockHolder(
        name=name,
        pid=os.getpid(),
        host=socket.gethostname(),
        command=command,
        acquired_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        token=str(uuid.uuid4()),
    )


def is_stale(holder: LockHolder) -> bool:
    """A holder on this host whose process is gone; a holder elsewhere cannot be checked."""
    if holder.host != socket.gethostname():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def lock_message(holder: LockHolder | None, location: str) -> str:
    if holder is None:
        return f"state {location} is locked; try again"
    message = (
        f"state {location} is locked by pid {holder.pid} on {holder.host} ({holder.command}) "
        f"since {holder.acquired_at}; wait for it to finish or pass a longer --lock-timeout"
    )
    if holder.token and not location.startswith("etcd://"):  # etcd's lease expires by its TTL
        message += (
            f"; if that process is gone, its lock (ID {holder.token}) expires by itself, or break it "
            f"with `manikit state unlock {holder.token}`"
        )
    return message
