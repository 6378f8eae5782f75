"""Values for templates: ``manikit.values.yaml`` as the base, ``--values`` files deep-merged in order,
``--set`` on top; and ``RenderOptions``, the small picklable bundle that carries them to every loader.

Nothing here imports jinja2: plain YAML never pays for templates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from manikit.errors import ConfigError
from manikit.source.reader import decode
from manikit.source.yamlfast import load_yaml

Values = dict[str, Any]
MAX_VALUES_BYTES = 8 * 2**20  # one values file (read from a pipe too: --values <(...))
MAX_SET_LENGTH = 64 * 1024  # one --set NAME=VALUE
MAX_SET_DEPTH = 32  # parts of a --set name (a.b.c...)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How ``*.j2`` files are rendered: values that override every template tree's base, and env access.

    Build it with ``render_options`` (which reads and checks the values files once, in the parent
    process); it pickles, so ``functools.partial(check, render=options)`` carries it to workers.
    """

    overrides: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    allow_env: bool = False
    key: str = ""  # identity of ``overrides`` and ``allow_env``, for caches keyed by value


DEFAULT_RENDER = RenderOptions()


def render_options(
    values_files: Sequence[str] = (), set_values: Sequence[str] = (), allow_env: bool = False
) -> RenderOptions:
    """Values files deep-merged in order (later wins), then each ``--set`` on top."""
    merged: Values = {}
    for path in values_files:
        merged = deep_merge(merged, load_values_file(path))
    for expr in set_values:
        merged = deep_merge(merged, parse_set(expr))
    canonical = json.dumps([merged, allow_env], sort_keys=True, default=repr)
    key = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return RenderOptions(merged, allow_env, key)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> Values:
    """A new mapping: ``override`` wins, except that two mappings under one key are merged."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(old, value)
        else:
            merged[key] = value
    return merged


def load_values_file(path: str) -> Values:
    """One values file: a YAML mapping. Any fault is a ConfigError naming the file (and line)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_VALUES_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read values file: {exc.strerror or exc}") from exc
    if len(data) > MAX_VALUES_BYTES:
        raise ConfigError(
            f"{path}: a values file holds at most {MAX_VALUES_BYTES // 2**20} MiB; this one is larger "
            "(or endless, like a device)"
        )
    return parse_values(path, data)


@lru_cache(maxsize=64)
def base_values(path: str, stamp: tuple[int, int] = (0, 0)) -> Values:
    """``manikit.values.yaml`` of a template tree, read once per process (per ``stamp``: mtime, size)."""
    del stamp  # part of the cache key only
    return load_values_file(path)


def parse_values(name: str, data: bytes) -> Values:
    source, problems = decode(name, data)
    if source is None:
        if problems and problems[0].code == "MK012":
            return {}  # an empty values file sets nothing
        raise ConfigError(f"{problems[0].location()}: {problems[0].message}")
    docs, yaml_problems = load_yaml(source.text, name)
    if yaml_problems:
        first = yaml_problems[0]
        raise ConfigError(f"{first.location()}: bad values file: {first.message}")
    docs = [d for d in docs if d.data is not None]
    if len(docs) > 1:
        raise ConfigError(
            f"{name}:{docs[1].line}: a values file holds one YAML document; merge the documents into one"
        )
    if not docs:
        return {}
    data_ = docs[0].data
    if not isinstance(data_, dict):
        what = "a list" if isinstance(data_, list) else f"the scalar {data_!r}"
        raise ConfigError(
            f"{name}:{docs[0].line}: a values file must be a mapping of names to values, not {what}"
        )
    bad = [k for k in data_ if not isinstance(k, str)]
    if bad:
        raise ConfigError(f"{name}: top-level value names must be strings, not {bad[0]!r}")
    return data_


def parse_set(expr: str) -> Values:
    """``a.b=c`` as ``{"a": {"b": c}}``, with ``c`` read as YAML (``3`` is a number, ``"3"`` a string).

    A dot inside a name is written ``\\.``.
    """
    if len(expr) > MAX_SET_LENGTH:
        raise ConfigError(
            f"--set {expr[:40]!r}...: {len(expr):,} characters, over {MAX_SET_LENGTH // 1024} KiB; "
            "put large values in a --values file"
        )
    name, sep, raw = expr.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--set {expr!r}: expected NAME=VALUE, e.g. --set image.tag=1.4.3")
    keys = [k.replace("\0", ".") for k in name.strip().replace("\\.", "\0").split(".")]
    if len(keys) > MAX_SET_DEPTH:
        raise ConfigError(
            f"--set {name[:40]!r}...: {len(keys)} levels deep, over {MAX_SET_DEPTH}; values nest at most "
            f"{MAX_SET_DEPTH} levels"
        )
    if any(not k for k in keys):
        raise ConfigError(f"--set {expr!r}: empty name part in {name!r}; write names like a.b.c")
    value = _yaml_value(expr, raw)
    nested: Values = {keys[-1]: value}
    for key in reversed(keys[:-1]):
        nested = {key: nested}
    return nested


def _yaml_value(expr: str, raw: str) -> Any:
    if not raw.strip():
        return ""  # ``--set a=`` blanks a value, as helm does
    docs, problems = load_yaml(raw, "--set")
    if problems:
        raise ConfigError(
            f"--set {expr!r}: the value is not valid YAML ({problems[0].message}); quote it: "
            f"--set '{expr.partition('=')[0]}=\"...\"'"
        )
    return docs[0].data if docs else ""
