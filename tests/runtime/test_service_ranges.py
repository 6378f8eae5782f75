"""Configured Service ranges (kube-apiserver's --service-cluster-ip-range and --service-node-port-range)
and what happens when one is full: a RangeFullError naming the range and what to do."""

from __future__ import annotations

import ipaddress

import pytest

from manikit.errors import ConfigError, RangeFullError
from manikit.runtime.api.allocators import (
    IP_RANGE_ENV,
    PORT_RANGE_ENV,
    ServiceRanges,
    allocate_cluster_ip,
    allocate_node_port,
    seeded,
)


def test_the_defaults_are_kubernetes_defaults() -> None:
    ranges = ServiceRanges.from_env({})
    assert (str(ranges.cidr), ranges.port_text, ranges.kubernetes_ip) == (
        "10.96.0.0/12",
        "30000-32767",
        "10.96.0.1",
    )


def test_configured_ranges_are_read() -> None:
    ranges = ServiceRanges.from_env({IP_RANGE_ENV: "10.100.0.0/24", PORT_RANGE_ENV: "30100-30199"})
    assert (str(ranges.cidr), ranges.ports, ranges.kubernetes_ip) == (
        "10.100.0.0/24",
        range(30100, 30200),
        "10.100.0.1",
    )
    assert (ranges.static_ips, ranges.static_ports) == (16, 16)  # Kubernetes' minimum band


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({IP_RANGE_ENV: "10.96.0.0"}, "prefix length must be"),
        ({IP_RANGE_ENV: "banana"}, "is not an IPv4 CIDR"),
        ({IP_RANGE_ENV: "10.96.0.1/24"}, "is not an IPv4 CIDR"),
        ({IP_RANGE_ENV: "10.0.0.0/8"}, "at most 2^20 addresses"),
        ({IP_RANGE_ENV: "10.96.0.0/31"}, "two usable addresses"),
        ({PORT_RANGE_ENV: "30000"}, "is not a port range such as 30000-32767"),
        ({PORT_RANGE_ENV: "30010-30000"}, "must lie within 30000-32767"),
        ({PORT_RANGE_ENV: "20000-20100"}, "must lie within 30000-32767"),
    ],
    ids=["no-prefix", "not-an-ip", "host-bits", "too-large", "too-small", "one-port", "reversed", "outside"],
)
def test_bad_ranges_are_config_errors_naming_the_variable(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=r"MANIKIT_SERVICE_[A-Z_]+_RANGE=") as caught:
        ServiceRanges.from_env(env)
    assert words in str(caught.value)


def test_a_small_range_hands_out_every_address_but_the_kubernetes_one_then_is_full() -> None:
    ranges = ServiceRanges.from_env({IP_RANGE_ENV: "10.96.0.0/29"})
    used = {ranges.kubernetes_ip}
    for index in range(5):
        used.add(allocate_cluster_ip(used, seeded(str(index)), ranges))
    assert used == {f"10.96.0.{i}" for i in range(1, 7)}  # not the network or broadcast address
    with pytest.raises(RangeFullError) as caught:
        allocate_cluster_ip(used, seeded("last"), ranges, "shop/db")
    error = caught.value
    assert str(error).startswith("Internal error occurred: failed to allocate a serviceIP: range is full")
    assert "10.96.0.0/29 has no free address for Service shop/db" in str(error)
    assert IP_RANGE_ENV in str(error)
    assert (error.exit_code, error.to_status()["code"], error.to_status()["details"]) == (
        1,
        500,
        {"name": "db", "kind": "services"},
    )


def test_the_kubernetes_address_is_never_drawn() -> None:
    ranges = ServiceRanges.from_env({IP_RANGE_ENV: "10.96.0.0/30"})
    drawn = {allocate_cluster_ip(set(), seeded(str(i)), ranges) for i in range(50)}
    assert drawn == {"10.96.0.2"}
    assert all(ipaddress.ip_address(ip) in ranges.cidr for ip in drawn)


def test_a_full_node_port_range_names_it() -> None:
    ranges = ServiceRanges.from_env({PORT_RANGE_ENV: "30000-30002"})
    used: set[int] = set()
    for index in range(3):
        used.add(allocate_node_port(used, seeded(str(index)), ranges))
    assert used == {30000, 30001, 30002}
    with pytest.raises(
        RangeFullError, match="failed to allocate a nodePort: range is full: the NodePort range 30000-30002"
    ):
        allocate_node_port(used, seeded("x"), ranges)
