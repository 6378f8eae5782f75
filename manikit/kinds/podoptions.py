"""A pod's host, DNS, OS and profile options as the API server validates them (v1.31): /etc/hosts
entries, DNS config, the OS name, process namespace sharing, seccomp profiles, huge pages."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import FieldError, FieldPath, forbidden, invalid, not_supported, required
from manikit.models.pod import PodSpec, ResourceRequirements
from manikit.models.podextras import SeccompProfile

MAX_NAMESERVERS = 3
MAX_SEARCHES = 32
SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")


def validate_pod_options(spec: PodSpec, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, alias in enumerate(spec.host_aliases or []):
        at = path.child("hostAliases").index(i)
        errors += [
            invalid(at.child("ip"), alias.ip, "must be valid IP address") for _ in names.ip_address(alias.ip)
        ]
    dns = spec.dns_config
    if dns is not None:
        at = path.child("dnsConfig")
        servers = dns.nameservers or []
        if len(servers) > MAX_NAMESERVERS:
            errors.append(
                invalid(
                    at.child("nameservers"), servers, f"must not have more than {MAX_NAMESERVERS} nameservers"
                )
            )
        for i, server in enumerate(servers):
            errors += [invalid(at.child("nameservers").index(i), server, m) for m in names.ip_address(server)]
        if len(dns.searches or []) > MAX_SEARCHES:
            errors.append(
                invalid(
                    at.child("searches"), dns.searches, f"must not have more than {MAX_SEARCHES} search paths"
                )
            )
    if spec.os is not None and spec.os.name not in ("linux", "windows"):
        errors.append(not_supported(path.child("os", "name"), spec.os.name, ("linux", "windows")))
    if spec.share_process_namespace and spec.host_pid:
        errors.append(
            invalid(
                path.child("shareProcessNamespace"),
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
            )
        )
    pod_sc = spec.security_context
    if pod_sc is not None and pod_sc.seccomp_profile is not None:
        errors += _seccomp(pod_sc.seccomp_profile, path.child("securityContext", "seccompProfile"))
    groups = (("initContainers", spec.init_containers or []), ("containers", spec.containers))
    for field, containers in groups:
        for i, c in enumerate(containers):
            sc = c.security_context
            if sc is not None and sc.seccomp_profile is not None:
                at = path.child(field).index(i).child("securityContext", "seccompProfile")
                errors += _seccomp(sc.seccomp_profile, at)
            res = c.resources
            if (
                res is not None
                and _has_huge_pages(res)
                and _huge_pages_alone({*(res.requests or ()), *(res.limits or ())})
            ):
                at = path.child(field).index(i).child("resources")
                errors.append(forbidden(at, "HugePages require cpu or memory"))
    return errors


def _seccomp(profile: SeccompProfile | None, at: FieldPath) -> list[FieldError]:
    if profile is None:
        return []
    if profile.type not in SECCOMP_TYPES:
        return [not_supported(at.child("type"), profile.type, SECCOMP_TYPES)]
    if profile.type == "Localhost" and not profile.localhost_profile:
        return [required(at.child("localhostProfile"), "must be set when seccomp type is Localhost")]
    if profile.type != "Localhost" and profile.localhost_profile:
        return [
            invalid(
                at.child("localhostProfile"),
                profile.localhost_profile,
                "can only be set when seccomp type is Localhost",
            )
        ]
    return []


def _has_huge_pages(res: ResourceRequirements) -> bool:
    """Whether any request or limit is huge pages (a loop, not a set: asked of every container)."""
    for given in (res.requests, res.limits):
        for resource in given or ():
            if resource.startswith("hugepages-"):
                return True
    return False


def _huge_pages_alone(resources: set[str]) -> bool:
    return any(r.startswith("hugepages-") for r in resources) and not resources & {"cpu", "memory"}
