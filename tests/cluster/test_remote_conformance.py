"""The shared ``Cluster`` conformance suite, run against ``RemoteCluster`` (a fresh ``manikit serve``
per test, as the suite wants a fresh cluster): every test whose semantics a real cluster shares.

Left to the local control plane, and covered for a remote one in test_remote.py instead: atomic
batches, the exclusive apply lock and the apply-set inventory (a real cluster has neither), the tests
that run the controllers in simulated time (``run`` for 5 minutes, per-node verdicts), and the
dry-run test that compares revisions right after a write (a live cluster's controllers write
Endpoints meanwhile; test_remote.py waits for them first)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manikit.cluster import open_cluster
from manikit.cluster.remote import RemoteCluster
from tests.cluster.conftest import Opener
from tests.cluster.test_conformance import (  # noqa: F401  (collected here, against a remote cluster)
    test_a_simulation_never_reaches_the_cluster,
    test_create_get_find_list,
    test_delete,
    test_dry_run_still_refuses_what_is_invalid,
    test_identity_and_revision,
    test_patch_merges_and_null_removes,
    test_the_plan_key_is_made_once,
    test_update_refuses_a_stale_version,
    test_watch_sees_each_write_in_order,
)
from tests.server.conftest import start_server

pytestmark = pytest.mark.slow  # a fresh server per test


@pytest.fixture
def opener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Opener]:
    """Handles on one fresh server (two handles act like two processes); the plan key kept in tmp."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    served = start_server(tmp_path / "serve")
    opened: list[RemoteCluster] = []

    def open_one() -> RemoteCluster:
        cluster = open_cluster(context="manikit", kubeconfig=served.kubeconfig)
        assert isinstance(cluster, RemoteCluster)
        opened.append(cluster)
        return cluster

    yield open_one  # type: ignore[misc]
    for cluster in opened:
        cluster.close()
    assert served.stop() == 0, (served.root / "serve.log").read_text()


@pytest.fixture
def cluster(opener: Opener) -> RemoteCluster:
    return opener()  # type: ignore[return-value]
