"""Every rule, listed here explicitly; a code or a name used twice fails at import.

``RULES`` are the rules proper (including MK101 and MK201, which validation does); ``CHECKS`` adds the
other validation checks and lint's own, so that every code lint can report is known and documented.
"""

from __future__ import annotations

from manikit.lint.builtin import BUILTIN_CHECKS, INVALID_SUPPRESSION
from manikit.lint.rule import Rule, build_registry, rule_from_module
from manikit.lint.rules import (
    cluster_capacity,
    deployment_selector_mismatch,
    deprecated_api_version,
    duplicate_container_name,
    duplicate_container_port,
    duplicate_env_name,
    duplicate_object,
    host_namespaces,
    host_port,
    invalid_name,
    invalid_quantity,
    latest_tag,
    limit_below_request,
    limit_request_ratio,
    missing_cpu_limit,
    missing_cpu_request,
    missing_liveness_probe,
    missing_memory_limit,
    missing_memory_request,
    missing_readiness_probe,
    naked_pod,
    privileged_container,
    request_exceeds_node_capacity,
    resource_range,
    run_as_root,
    service_selects_nothing,
    service_target_port_unknown,
    suspicious_cpu_value,
    suspicious_memory_unit,
)

RULES: dict[str, Rule] = build_registry(
    rule_from_module(m)
    for m in (
        # MK1xx resources
        invalid_quantity,
        limit_below_request,
        missing_cpu_request,
        missing_memory_request,
        missing_memory_limit,
        missing_cpu_limit,
        suspicious_memory_unit,
        suspicious_cpu_value,
        limit_request_ratio,
        resource_range,
        request_exceeds_node_capacity,
        cluster_capacity,
        # MK2xx metadata and structure
        duplicate_object,
        invalid_name,
        deployment_selector_mismatch,
        service_selects_nothing,
        service_target_port_unknown,
        duplicate_container_name,
        duplicate_env_name,
        duplicate_container_port,
        deprecated_api_version,
        # MK3xx images, probes, security
        latest_tag,
        missing_readiness_probe,
        missing_liveness_probe,
        privileged_container,
        host_namespaces,
        run_as_root,
        host_port,
        naked_pod,
    )
)

#: Every code lint may report: the rules, validation's checks and lint's own.
CHECKS: dict[str, Rule] = build_registry([*BUILTIN_CHECKS, *RULES.values(), INVALID_SUPPRESSION])

_BY_NAME = {rule.name: rule for rule in CHECKS.values()}


def find_check(code_or_name: str) -> Rule | None:
    """A check by code (``MK102``, any case) or name (``limit-below-request``)."""
    key = code_or_name.strip()
    return CHECKS.get(key.upper()) or _BY_NAME.get(key.lower())


def sorted_checks() -> list[Rule]:
    return sorted(CHECKS.values(), key=lambda r: r.code)
