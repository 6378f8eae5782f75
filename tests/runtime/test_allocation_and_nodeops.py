"""Random-but-seeded Service allocation above the static bands; taint specs."""

from __future__ import annotations

import ipaddress

import pytest

from manikit.cluster.nodeops import parse_taint
from manikit.errors import UserError
from manikit.runtime.api.allocators import ServiceRanges, allocate_cluster_ip, allocate_node_port, seeded

DEFAULT = ServiceRanges()


def test_static_bands_are_kubernetes_sizes() -> None:
    assert (DEFAULT.static_ips, DEFAULT.static_ports) == (256, 86)


def test_dynamic_values_come_from_above_the_static_band_and_repeat_with_the_seed() -> None:
    ips = [allocate_cluster_ip(set(), seeded(f"default/svc-{i}/7"), DEFAULT) for i in range(50)]
    assert all(int(ipaddress.ip_address(ip)) - int(ipaddress.ip_address("10.96.0.0")) >= 256 for ip in ips)
    assert ips == [allocate_cluster_ip(set(), seeded(f"default/svc-{i}/7"), DEFAULT) for i in range(50)]
    assert len(set(ips)) > 45  # spread, not sequential
    ports = [allocate_node_port(set(), seeded(f"p{i}"), DEFAULT) for i in range(50)]
    assert all(30086 <= p <= 32767 for p in ports)


def test_a_full_upper_band_falls_back_to_the_static_band() -> None:
    used = set(range(30086, 32768))
    assert allocate_node_port(used, seeded("x"), DEFAULT) == 30000


@pytest.mark.parametrize(
    ("text", "taint", "remove"),
    [
        ("dedicated=gpu:NoSchedule", {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}, False),
        ("maintenance:NoExecute", {"key": "maintenance", "effect": "NoExecute"}, False),
        ("dedicated:NoSchedule-", {"key": "dedicated", "effect": "NoSchedule"}, True),
        ("dedicated-", {"key": "dedicated"}, True),
    ],
)
def test_taint_specs(text: str, taint: dict[str, str], remove: bool) -> None:
    assert parse_taint(text) == (taint, remove)


@pytest.mark.parametrize("text", ["dedicated=gpu", "=x:NoSchedule", "a:Sometimes"])
def test_bad_taint_specs_say_the_form(text: str) -> None:
    with pytest.raises(UserError, match="KEY\\[=VALUE\\]:EFFECT"):
        parse_taint(text)
