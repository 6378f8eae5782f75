"""The local cluster's batch: one transaction, with the cyclic garbage collector paused meanwhile and
given back as it was, whatever happens inside."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from manikit.cluster import LocalCluster, open_cluster
from tests.runtime.control_plane import namespace


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    made = open_cluster(default_cluster=False)
    assert isinstance(made, LocalCluster)
    yield made
    made.close()


@pytest.fixture(autouse=True)
def collector_back() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_the_collector_is_paused_inside_a_batch_and_back_after(cluster: LocalCluster) -> None:
    gc.enable()
    with cluster.batch():
        assert not gc.isenabled()
        with cluster.batch():  # nested: a savepoint
            assert not gc.isenabled()
        assert not gc.isenabled()
        cluster.create(namespace("team"))
    assert gc.isenabled()
    assert cluster.find("Namespace", "team") is not None


def test_a_failed_batch_writes_nothing_and_gives_the_collector_back(cluster: LocalCluster) -> None:
    gc.enable()
    with pytest.raises(RuntimeError), cluster.batch():
        cluster.create(namespace("team"))
        raise RuntimeError("stop")
    assert gc.isenabled()
    assert cluster.find("Namespace", "team") is None


def test_a_collector_paused_before_stays_paused(cluster: LocalCluster) -> None:
    gc.disable()
    with cluster.batch():
        pass
    assert not gc.isenabled()
