"""Fixtures for the backend conformance suite: one opener per backend, the etcd cluster per session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from manikit.runtime.store import Store, open_store
from tests.runtime.store.etcd_cluster import Cluster, cluster_from_env, start_cluster

Opener = Callable[[], Store]


@pytest.fixture(scope="session")
def etcd_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The CI cluster (MANIKIT_TEST_ETCD), else a 3-member cluster of this session's own."""
    cluster = cluster_from_env()
    if cluster is not None:
        yield cluster
        return
    cluster = start_cluster(tmp_path_factory.mktemp("etcd"))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "etcd"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def state(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh state location of the backend under test (a file, or a fresh etcd prefix)."""
    if backend == "sqlite":
        return str(tmp_path / "state.db")
    cluster: Cluster = request.getfixturevalue("etcd_cluster")
    return cluster.url(lock_ttl=2)


@pytest.fixture
def opener(state: str) -> Iterator[Opener]:
    """Opens handles on the same state (two handles act like two processes); closes them after."""
    opened: list[Store] = []

    def open_one() -> Store:
        opened.append(open_store(state))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def store(opener: Opener) -> Store:
    return opener()
