"""Fixtures for the Cluster conformance suite: every implementation of ``manikit.cluster.Cluster``,
opened through ``open_cluster``. Today that is ``LocalCluster`` on SQLite and on etcd (etcd: the
cluster MANIKIT_TEST_ETCD names, else one this session starts; skipped without etcd, failed in CI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from manikit.cluster import Cluster, LocalCluster, open_cluster
from manikit.runtime.clock import EPOCH
from tests.runtime.store.conftest import etcd_cluster  # noqa: F401  (the shared session fixture)
from tests.runtime.store.etcd_cluster import Cluster as EtcdCluster

Opener = Callable[[], LocalCluster]


@pytest.fixture(params=["sqlite", "etcd"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh cluster's address: a state file, or a fresh etcd prefix."""
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    etcd: EtcdCluster = request.getfixturevalue("etcd_cluster")
    return etcd.url(lock_ttl=2)


@pytest.fixture
def opener(location: str) -> Iterator[Opener]:
    """Opens handles on the same cluster (two handles act like two processes); closes them after."""
    opened: list[LocalCluster] = []

    def open_one() -> LocalCluster:
        opened.append(open_cluster(location, now=EPOCH))
        return opened[-1]

    yield open_one
    for cluster in opened:
        cluster.close()


@pytest.fixture
def cluster(opener: Opener) -> Cluster:
    return opener()
