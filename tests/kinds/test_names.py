"""apimachinery's string checks, each with accepted and rejected values (Kubernetes v1.31)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from manikit.kinds import names

CASES: list[tuple[Callable[[str], tuple[str, ...]], str, bool]] = [
    (names.dns1123_label, "web-1", True),
    (names.dns1123_label, "1web", True),
    (names.dns1123_label, "Web", False),
    (names.dns1123_label, "web.app", False),
    (names.dns1123_label, "a" * 63, True),
    (names.dns1123_label, "a" * 64, False),
    (names.dns1123_subdomain, "web.app-1", True),
    (names.dns1123_subdomain, "web..app", False),
    (names.dns1123_subdomain, "a" * 253, True),
    (names.dns1123_subdomain, "a" * 254, False),
    (names.dns1035_label, "web-1", True),
    (names.dns1035_label, "1web", False),
    (names.qualified_name, "app.kubernetes.io/name", True),
    (names.qualified_name, "App_Name.v1", True),
    (names.qualified_name, "a/b/c", False),
    (names.qualified_name, "/name", False),
    (names.qualified_name, "Example.com/name", False),
    (names.qualified_name, "name-", False),
    (names.label_value, "", True),
    (names.label_value, "v1.2_beta-3", True),
    (names.label_value, "a b", False),
    (names.label_value, "v" * 64, False),
    (names.port_name, "http", True),
    (names.port_name, "h2c-8080", True),
    (names.port_name, "8080", False),
    (names.port_name, "web--http", False),
    (names.port_name, "-http", False),
    (names.port_name, "HTTP", False),
    (names.port_name, "storefront-https", False),
    (names.env_var_name, "LOG_LEVEL", True),
    (names.env_var_name, "log.level-x", True),
    (names.env_var_name, "1LOG", False),
    (names.env_var_name, "LOG LEVEL", False),
    (names.ip_address, "10.0.0.1", True),
    (names.ip_address, "2001:db8::ffff", True),
    (names.ip_address, "none", False),
]


@pytest.mark.parametrize(
    ("check", "value", "valid"), CASES, ids=[f"{c.__name__}-{v[:20]}" for c, v, _ in CASES]
)
def test_check(check: Callable[[str], tuple[str, ...]], value: str, valid: bool) -> None:
    assert (check(value) == ()) is valid


def test_generate_name_prefix_may_end_in_a_dash() -> None:
    assert names.name_is_dns1123_subdomain("web-", True) == ()
    assert names.name_is_dns1123_subdomain("web-", False) != ()


def test_messages_are_the_servers() -> None:
    assert names.port_name("8080") == ("must contain at least one letter (a-z)",)
    assert names.dns1123_label("a" * 64)[0] == "must be no more than 63 characters"
    assert names.qualified_name("a" * 64) == ("name part must be no more than 63 characters",)
