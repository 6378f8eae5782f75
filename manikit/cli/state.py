"""The ``--state``, ``--context`` and ``--kubeconfig`` options, finding the state as git finds its
repository, and opening the cluster a command works on.

Which cluster: ``--context NAME`` or ``--kubeconfig FILE`` (before or after the subcommand, as kubectl
takes them) name a Kubernetes API server through a kubeconfig; ``--state https://HOST:PORT`` names one
by its address (a running ``manikit serve``). ``KUBECONFIG`` alone never moves a command off the local
state. Credentials come from the kubeconfig only, and are never printed.

Which state: ``--state`` (before or after the subcommand), else ``MANIKIT_STATE``, else the nearest
``.manikit/state.db`` in the current directory or a parent, else ``.manikit/state.db`` here (created
by the first write). Read-only commands never create a state: without one they read an empty cluster
in memory. A state in a directory that does not exist is an error, never created.

Time is simulated and moves only when a command runs the cluster: a new state starts at the wall
clock (or ``MANIKIT_NOW``, RFC3339, for reproducible output), and every later command starts where
the state's clock was saved (``MANIKIT_NOW`` later than that moves it on). Same commands, same history.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from manikit.cli import console
from manikit.cluster import Cluster, LocalCluster, Settling, open_cluster
from manikit.cluster.locations import DEFAULT_STATE, STATE_ENV, is_served, resolve_state_path
from manikit.cluster.times import parse_time, rfc3339
from manikit.errors import ConfigError, UserError

STATE_OPTION = typer.Option(
    None,
    "--state",
    metavar="PATH|URL",
    help="The state: a file (default: the nearest .manikit/state.db here or in a parent directory), "
    "etcd://host:port[,host:port...]/prefix for a shared etcd cluster, or the https://host:port of an "
    "API server a kubeconfig names (a running `manikit serve`); env MANIKIT_STATE.",
    show_default=False,
)
CONTEXT_HELP = (
    "Work on the Kubernetes API server of this kubeconfig context instead of the local state, as "
    "kubectl's --context (the files: --kubeconfig, else KUBECONFIG, else ~/.kube/config)."
)
KUBECONFIG_HELP = (
    "The kubeconfig to read, and no other (default: KUBECONFIG's files, else ~/.kube/config); alone, "
    "work on its current context."
)
#: ``manikit --state X get ...``: set by the root callback; ``--context``/``--kubeconfig`` after the
#: subcommand too (their callbacks), so that every command's ``control_plane`` sees them.
_GLOBAL: dict[str, str | None] = {"state": None, "context": None, "kubeconfig": None}


def set_global_state(value: str | None, context: str | None = None, kubeconfig: str | None = None) -> None:
    _GLOBAL.update(state=value, context=context, kubeconfig=kubeconfig)


def _remember(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    if value is not None and param.name:
        _GLOBAL[param.name] = value
    return value


CONTEXT_OPTION = typer.Option(
    None, "--context", metavar="NAME", help=CONTEXT_HELP, callback=_remember, show_default=False
)
KUBECONFIG_OPTION = typer.Option(
    None, "--kubeconfig", metavar="FILE", help=KUBECONFIG_HELP, callback=_remember, show_default=False
)


@dataclass(frozen=True)
class StateLocation:
    target: Path | str  # a file, an etcd:// URL or a served https:// URL
    source: str  # "--state", "MANIKIT_STATE", "a parent directory" or "" (the nearest default, here)

    def exists(self) -> bool:
        return not isinstance(self.target, Path) or self.target.exists()


def locate_state(option: str | None, cwd: Path | None = None) -> StateLocation:
    """The state a command uses, and where that choice came from. A command that works on a local
    state only (``state``, ``serve``) refuses ``--context``/``--kubeconfig`` rather than ignore them."""
    named = [f"--{k} {_GLOBAL[k]}" for k in ("context", "kubeconfig") if _GLOBAL[k]]
    if named:
        raise ConfigError(
            f"{' '.join(named)} names an API server, but this command works on a local state only (a "
            "file or etcd://); drop it, or give --state"
        )
    here = (cwd or Path.cwd()).absolute()
    chosen, source = option or _GLOBAL["state"], "--state"
    if not chosen and os.environ.get(STATE_ENV):
        chosen, source = os.environ[STATE_ENV], STATE_ENV
    if chosen and is_served(chosen):
        return StateLocation(chosen, source)
    if chosen:
        target = resolve_state_path(chosen, here)
        if isinstance(target, Path) and not target.parent.is_dir():
            raise ConfigError(
                f"{source} {chosen}: the directory {target.parent} does not exist; create it, or name "
                "a state in an existing directory"
            )
        return StateLocation(target, source)
    for directory in (here, *here.parents):
        candidate = directory / DEFAULT_STATE
        if candidate.is_file():
            return StateLocation(candidate, "" if directory == here else "a parent directory")
    return StateLocation(here / DEFAULT_STATE, "")


NAMESPACE_OPTION = typer.Option(
    None, "--namespace", "-n", metavar="NAME", help="The namespace (default: default)."
)
NOW_ENV = "MANIKIT_NOW"
#: MANIKIT_NOW's range: simulated time moves on by days at most, far from datetime's year 9999.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


@dataclass
class ControlPlane:
    """What a command works on: the cluster, and running it with a warning when it does not settle."""

    cluster: Cluster

    def reconcile(
        self, run_for: timedelta | None = None, observe: Callable[[], bool] | None = None
    ) -> Settling:
        """Run the cluster until it settles, or for ``run_for`` of simulated time (``observe``: see
        ``Cluster.run``); warn on stderr if it does not settle."""
        result = self.cluster.run(run_for, observe)
        if not result.settled:
            console.stderr().print(f"warning: {result.summary}", markup=False)
        return result


def pinned_now() -> datetime | None:
    """MANIKIT_NOW, checked: the time a new state starts at, or a later one to move a state's clock to."""
    pinned = os.environ.get(NOW_ENV)
    if not pinned:
        return None
    try:
        now = parse_time(pinned)
    except (ValueError, OverflowError) as exc:
        raise ConfigError(
            f"{NOW_ENV}={pinned[:40]!r} is not an RFC3339 time like 2025-01-01T00:00:00Z"
        ) from exc
    if not EARLIEST <= now <= LATEST:
        raise ConfigError(
            f"{NOW_ENV}={pinned[:40]!r} is out of range: give a time from {rfc3339(EARLIEST)} to "
            f"{rfc3339(LATEST)}"
        )
    return now


@contextmanager
def control_plane(
    state: str | None, *, default_cluster: bool = True, read_only: bool = False
) -> Iterator[ControlPlane]:
    """Open the state (creating it, its namespaces and, unless ``default_cluster`` is False because the
    command brings its own nodes, the default cluster on first use). ``read_only`` commands never
    create a state: without one, they read an empty cluster in memory. With ``--context`` or
    ``--kubeconfig``, the API server the kubeconfig names instead."""
    err = console.stderr()
    context, kubeconfig = _GLOBAL["context"], _GLOBAL["kubeconfig"]
    if context or kubeconfig:
        chosen = state or _GLOBAL["state"]
        if chosen and not is_served(chosen):
            raise ConfigError(
                f"--state {chosen} and --context/--kubeconfig name two clusters: give one of them"
            )
        with open_cluster(chosen or ":memory:", context=context, kubeconfig=kubeconfig) as remote:
            yield ControlPlane(remote)
        return
    where = locate_state(state)
    if where.source and where.source != "--state":  # what the command line does not show
        err.print(f"using state {where.target} (from {where.source})", markup=False)
    target: str | Path = where.target
    if read_only and not where.exists():
        err.print(
            f"note: no state at {where.target} yet (nothing applied): reading an empty cluster; "
            "`manikit apply` creates it",
            markup=False,
        )
        target = ":memory:"
    cluster = open_cluster(target, now=pinned_now(), default_cluster=default_cluster)
    if cluster.announcement:
        err.print(cluster.announcement, markup=False)
    with cluster:
        yield ControlPlane(cluster)


def local_cluster(cp: ControlPlane, command: str) -> LocalCluster:
    """The local control plane behind ``cp``, for what only a simulated cluster can do."""
    if not isinstance(cp.cluster, LocalCluster):
        raise UserError(f"manikit {command} works on a local state only, not on {cp.cluster.location}")
    return cp.cluster
