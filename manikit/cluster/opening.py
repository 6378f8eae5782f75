"""``open_cluster``: the one way to open a cluster: a state file, an ``etcd://`` URL or ``:memory:``
(the local control plane), or any Kubernetes API server through a kubeconfig: ``context`` and
``kubeconfig`` as kubectl's ``--context`` and ``--kubeconfig``, or the ``https://`` address of a
server a kubeconfig names (a running ``manikit serve``). ``KUBECONFIG`` alone never switches a command
away from the local state: it says which files a ``context`` is looked up in.

A new local state gets the system namespaces and (unless ``default_cluster`` is False) the embedded
default cluster's three nodes. Its simulated clock starts at ``now`` (else the wall clock); a state
opened again starts where its clock was saved, moved on to ``now`` if that is later.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from manikit.cluster.guard import guard
from manikit.cluster.local import CLOCK_NOTE, LocalCluster
from manikit.cluster.locations import is_served
from manikit.errors import StateDamagedError
from manikit.runtime.api import Api
from manikit.runtime.api.bootstrap import is_bootstrapped
from manikit.runtime.clock import SimulatedClock, parse_time
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.store import Store, open_store

if TYPE_CHECKING:
    from manikit.cluster.remote import RemoteCluster

Target = str | os.PathLike[str]


def open_cluster(
    target: Target = ":memory:",
    *,
    now: datetime | None = None,
    default_cluster: bool = True,
    context: str | None = None,
    kubeconfig: Target | None = None,
) -> LocalCluster | RemoteCluster:
    """Open (creating a local state on first use) the cluster ``target`` names, or the API server of
    the kubeconfig ``context`` (``kubeconfig``: that file only). Close it with ``close()``, or use it
    as a context manager, which also keeps a local state's clock and tells a damaged state from a bug.
    """
    remote = bool(context or kubeconfig) or (isinstance(target, str) and is_served(target))
    if not remote:
        return open_local(target, now=now, default_cluster=default_cluster)
    # lightkube only when a command targets an API server (start-up time)
    from manikit.cluster.kubeconfig import select_context, select_server
    from manikit.cluster.remote import RemoteCluster

    if isinstance(target, str) and is_served(target):
        return RemoteCluster(select_server(target, kubeconfig))
    return RemoteCluster(select_context(context, kubeconfig))


def open_local(
    target: Target = ":memory:", *, now: datetime | None = None, default_cluster: bool = True
) -> LocalCluster:
    """Open (creating it on first use) the local control plane over the state ``target`` names."""
    store: Store = open_store(target)
    try:
        with guard(store):
            clock = SimulatedClock(_start_time(store, now))
            api = Api(store, clock)
            if not is_bootstrapped(api):
                api.ensure_system_namespaces()
            announcement = ensure_default_cluster(api) if default_cluster else None
            cluster = LocalCluster(api, clock)
            cluster.announcement = announcement if store.location != ":memory:" else None
            if store.get_note(*CLOCK_NOTE) is None:
                cluster.save_clock()  # the state's time starts here
    except BaseException:
        store.close()
        raise
    return cluster


def _start_time(store: Store, now: datetime | None) -> datetime:
    saved = store.get_note(*CLOCK_NOTE)
    if not saved:
        return now or datetime.now(UTC).replace(microsecond=0)
    try:
        clock = parse_time(saved)
    except (TypeError, ValueError, OverflowError) as exc:
        raise StateDamagedError(
            f"state {store.location} is damaged: its clock {str(saved)[:40]!r} is not a time; "
            "restore it with `manikit state restore`"
        ) from exc
    return max(now, clock) if now else clock
