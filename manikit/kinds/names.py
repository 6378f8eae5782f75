"""apimachinery's string checks (k8s.io/apimachinery/pkg/util/validation, Kubernetes v1.31): names,
label keys and values, port names, environment variable names, IP addresses. Each returns the
server's messages; an empty list means valid.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = _LABEL_FMT + r"(\." + _LABEL_FMT + ")*"
_LABEL_1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QUALIFIED_FMT + ")?"
_ENV_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"

_LABEL = re.compile(_LABEL_FMT)
_SUBDOMAIN = re.compile(_SUBDOMAIN_FMT)
_LABEL_1035 = re.compile(_LABEL_1035_FMT)
_QUALIFIED = re.compile(_QUALIFIED_FMT)
_LABEL_VALUE = re.compile(_LABEL_VALUE_FMT)
_ENV = re.compile(_ENV_FMT)
_PORT_CHARS = re.compile("[-a-z0-9]+")

LABEL_MAX = 63
SUBDOMAIN_MAX = 253
PORT_NAME_MAX = 15


def _too_long(limit: int) -> str:
    return f"must be no more than {limit} characters"


def _regex_message(what: str, fmt: str, examples: tuple[str, ...]) -> str:
    shown = ",  or ".join(f"'{e}'" for e in examples)
    return f"{what} (e.g. {shown}, regex used for validation is '{fmt}')"


LABEL_MESSAGE = _regex_message(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character",
    _LABEL_FMT,
    ("my-name", "123-abc"),
)
SUBDOMAIN_MESSAGE = _regex_message(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
    "must start and end with an alphanumeric character",
    _SUBDOMAIN_FMT,
    ("example.com",),
)
LABEL_1035_MESSAGE = _regex_message(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character",
    _LABEL_1035_FMT,
    ("my-name", "abc-123"),
)
QUALIFIED_MESSAGE = _regex_message(
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character",
    _QUALIFIED_FMT,
    ("MyName", "my.name", "123-abc"),
)
LABEL_VALUE_MESSAGE = _regex_message(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character",
    _LABEL_VALUE_FMT,
    ("MyValue", "my_value", "12345"),
)
ENV_MESSAGE = _regex_message(
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit",
    _ENV_FMT,
    ("my.env-name", "MY_ENV.NAME", "MyEnvName1"),
)


@lru_cache(maxsize=8192)
def dns1123_label(value: str) -> tuple[str, ...]:
    errors = [_too_long(LABEL_MAX)] if len(value) > LABEL_MAX else []
    if not _LABEL.fullmatch(value):
        errors.append(LABEL_MESSAGE)
    return tuple(errors)


@lru_cache(maxsize=8192)
def dns1123_subdomain(value: str) -> tuple[str, ...]:
    errors = [_too_long(SUBDOMAIN_MAX)] if len(value) > SUBDOMAIN_MAX else []
    if not _SUBDOMAIN.fullmatch(value):
        errors.append(SUBDOMAIN_MESSAGE)
    return tuple(errors)


@lru_cache(maxsize=8192)
def dns1035_label(value: str) -> tuple[str, ...]:
    errors = [_too_long(LABEL_MAX)] if len(value) > LABEL_MAX else []
    if not _LABEL_1035.fullmatch(value):
        errors.append(LABEL_1035_MESSAGE)
    return tuple(errors)


def _mask_trailing_dash(value: str) -> str:
    """A generateName prefix may end in '-': the random suffix follows it."""
    return value[:-1] + "a" if len(value) > 1 and value.endswith("-") else value


def name_is_dns1123_subdomain(value: str, prefix: bool) -> tuple[str, ...]:
    return dns1123_subdomain(_mask_trailing_dash(value) if prefix else value)


def name_is_dns1123_label(value: str, prefix: bool) -> tuple[str, ...]:
    return dns1123_label(_mask_trailing_dash(value) if prefix else value)


def name_is_dns1035_label(value: str, prefix: bool) -> tuple[str, ...]:
    return dns1035_label(_mask_trailing_dash(value) if prefix else value)


@lru_cache(maxsize=8192)
def qualified_name(value: str) -> tuple[str, ...]:
    """A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name part."""
    parts = value.split("/")
    if len(parts) == 1:
        prefix, name = "", parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ("prefix part must be non-empty",)
    else:
        return (
            f"a qualified name {QUALIFIED_MESSAGE} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')",
        )
    errors = [f"prefix part {m}" for m in dns1123_subdomain(prefix)] if prefix else []
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > LABEL_MAX:
        errors.append(f"name part {_too_long(LABEL_MAX)}")
    if name and not _QUALIFIED.fullmatch(name):
        errors.append(f"name part {QUALIFIED_MESSAGE}")
    return tuple(errors)


@lru_cache(maxsize=8192)
def label_value(value: str) -> tuple[str, ...]:
    errors = [_too_long(LABEL_MAX)] if len(value) > LABEL_MAX else []
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(LABEL_VALUE_MESSAGE)
    return tuple(errors)


@lru_cache(maxsize=8192)
def port_name(value: str) -> tuple[str, ...]:
    """An IANA service name (a container port's name, a targetPort given as a string)."""
    errors = [_too_long(PORT_NAME_MAX)] if len(value) > PORT_NAME_MAX else []
    if not _PORT_CHARS.fullmatch(value):
        errors.append("must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)")
    if not any("a" <= c <= "z" for c in value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return tuple(errors)


def port_number(value: int) -> tuple[str, ...]:
    return () if 1 <= value <= 65535 else ("must be between 1 and 65535, inclusive",)


@lru_cache(maxsize=8192)
def env_var_name(value: str) -> tuple[str, ...]:
    """Kubernetes v1.31 (RelaxedEnvironmentVariableValidation is alpha, off by default)."""
    return () if _ENV.fullmatch(value) else (ENV_MESSAGE,)


def ip_address(value: str) -> tuple[str, ...]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return ("must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",)
    return ()


def suggest_name(name: str) -> str:
    """Lowercase, with runs of other characters made one '-'."""
    return re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-.")[:LABEL_MAX]
