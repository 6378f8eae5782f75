"""Lint configuration: ``.manikit.yaml`` (or ``[tool.manikit]`` in pyproject.toml), found from the
current directory upward, or named with ``--config``.

    fail-on: warning                 # info | warning | error (default error)
    exclude: ["vendor/**"]           # globs of files not to lint
    nodes: cluster/nodes.yaml        # Node manifests for the capacity rules (relative to this file)
    rules:
      missing-cpu-limit: warning     # a level: off | info | warning | error
      limit-request-ratio: {level: warning, max_ratio: {memory: 1.5}}   # level and options
    ignore:
      - {rule: MK105, kind: Deployment, name: legacy, namespace: ops, path-glob: "vendor/*"}

Every mistake is a ConfigError naming the file, the line and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from manikit.catalogue import is_server_error
from manikit.diagnostics import Level
from manikit.errors import ConfigError
from manikit.lint.discovery import CONFIG_NAMES, find_config
from manikit.source.documents import load_file
from manikit.source.positions import Path as DataPath
from manikit.validate.pydantic_errors import error_message

if TYPE_CHECKING:
    from manikit.lint.rule import Rule
    from manikit.lint.suppress import IgnoreEntry

# The rules are imported only when a configuration is built: `manikit validate` reads the exclude
# globs of a configuration file through this module and never needs a rule.
__all__ = ["CONFIG_NAMES", "LintConfig", "find_config", "load_config", "parse_level"]

_TOP_KEYS = ("rules", "ignore", "exclude", "fail-on", "nodes")
_IGNORE_KEYS = ("rule", "kind", "name", "namespace", "path-glob")


@dataclass(frozen=True)
class LintConfig:
    source: str | None = None  # the file it was read from; None for the defaults
    levels: dict[str, Level | None] = field(
        default_factory=lambda: {
            code: rule.default_level for code, rule in _rules().items() if not rule.builtin
        }
    )
    options: dict[str, BaseModel] = field(
        default_factory=lambda: {code: rule.default_options() for code, rule in _rules().items()}
    )
    fail_on: Level = Level.ERROR
    exclude: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    ignores: tuple[IgnoreEntry, ...] = ()

    def enabled(self) -> dict[str, Level]:
        """Rule code -> level, for the rules that are on."""
        return {code: level for code, level in self.levels.items() if level is not None}


def _rules() -> dict[str, Rule]:
    from manikit.lint.registry import RULES

    return RULES


def _find_check(key: str) -> Rule | None:
    from manikit.lint.registry import find_check

    return find_check(key)


def load_config(path: Path | None) -> LintConfig:
    """The configuration in ``path``; the defaults when None."""
    if path is None:
        return LintConfig()
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    if path.name == "pyproject.toml":
        data, where = _read_toml(path)
    else:
        data, where = _read_yaml(path)
    return _parse(data, where, path)


Locator = Callable[..., str]  # (path, value=False) -> "file:line:col" of a key (or value) in the config


def _read_yaml(path: Path) -> tuple[Any, Locator]:
    loaded = load_file(str(path))
    errors = [p for p in loaded.problems if p.level >= Level.ERROR]
    if errors:
        raise ConfigError(f"{errors[0].location()}: {errors[0].message}")
    if not loaded.documents:
        return {}, lambda *_: str(path)
    doc = loaded.documents[0]

    def locate(data_path: DataPath, value: bool = False) -> str:
        mark = doc.locate(data_path, key=not value)
        return f"{path}:{mark.line}:{mark.col}"

    return doc.data, locate


def _read_toml(path: Path) -> tuple[Any, Locator]:
    import tomllib  # only for pyproject.toml configurations: start-up time otherwise

    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text).get("tool", {}).get("manikit", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    lines = text.splitlines()

    def locate(data_path: DataPath, value: bool = False) -> str:
        """TOML positions: the first line of the [tool.manikit] part that names the last key."""
        keys = [str(step) for step in data_path if isinstance(step, str)]
        start = next((i for i, line in enumerate(lines) if line.strip().startswith("[tool.manikit")), 0)
        for key in reversed(keys):
            for i in range(start, len(lines)):
                if key in lines[i]:
                    return f"{path}:{i + 1}"
        return f"{path}:{start + 1}"

    return data, locate


def _parse(data: Any, where: Locator, path: Path) -> LintConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{where(())}: the configuration must be a mapping")
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{where((key,))}: unknown key {key!r}{_did_you_mean(str(key), _TOP_KEYS)}")
    defaults = LintConfig()
    levels = dict(defaults.levels)
    options = dict(defaults.options)
    for key, value in _mapping(data.get("rules", {}), ("rules",), where).items():
        _rule_setting(str(key), value, where, levels, options)
    return LintConfig(
        source=str(path),
        levels=levels,
        options=options,
        fail_on=_fail_on(data.get("fail-on", "error"), where),
        exclude=tuple(_strings(data.get("exclude", []), ("exclude",), where)),
        nodes=tuple(str(path.parent / p) for p in _strings(data.get("nodes", []), ("nodes",), where)),
        ignores=tuple(_ignores(data.get("ignore", []), where)),
    )


def _rule_setting(
    key: str, value: Any, where: Locator, levels: dict[str, Level | None], options: dict[str, BaseModel]
) -> None:
    at: DataPath = ("rules", key)
    rule = _find_check(key)
    if rule is None:
        raise ConfigError(f"{where(at)}: unknown rule {key!r}; see `manikit rules`")
    if is_server_error(rule.code):
        raise ConfigError(f"{where(at)}: {_server_check(rule.code, rule.name)}")
    if rule.builtin:
        raise ConfigError(f"{where(at)}: {rule.code} {rule.name} is a validation check, always on")
    shorthand = isinstance(value, (str, bool)) or value is None
    settings = {"level": value} if shorthand else _mapping(value, at, where)
    rest = {k: v for k, v in settings.items() if k != "level"}
    if "level" in settings:
        level_at = at if shorthand else (*at, "level")
        levels[rule.code] = parse_level(settings["level"], level_at, where)
    try:
        options[rule.code] = rule.options.model_validate(rest)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = tuple(str(step) for step in error["loc"] if isinstance(step, str))
        name = ".".join(loc) or "options"
        if error["type"] == "extra_forbidden":
            message = f"unknown option; `manikit rules explain {rule.code}` lists its options"
        else:
            message = error_message([dict(error)])
        place = where((*at, *loc), error["type"] != "extra_forbidden")
        raise ConfigError(f"{place}: rule {rule.name} option {name!r}: {message}") from exc


def parse_level(value: Any, at: DataPath, where: Locator) -> Level | None:
    if isinstance(value, str) and value.strip().lower() == "off":
        return None
    if value is False:
        return None  # YAML 1.1 readers turn a bare off into false
    try:
        return Level.parse(str(value))
    except ValueError:
        raise ConfigError(
            f"{where(at, True)}: level {value!r} is not one of off, info, warning, error"
        ) from None


def _fail_on(value: Any, where: Locator) -> Level:
    level = parse_level(value, ("fail-on",), where)
    if level is None:
        raise ConfigError(f"{where(('fail-on',))}: fail-on must be info, warning or error")
    return level


def _ignores(value: Any, where: Locator) -> list[IgnoreEntry]:
    from manikit.lint.suppress import IgnoreEntry

    if not isinstance(value, list):
        raise ConfigError(f"{where(('ignore',))}: ignore must be a list of entries")
    entries = []
    for i, item in enumerate(value):
        at: DataPath = ("ignore", i)
        item = _mapping(item, at, where)
        for key in item:
            if key not in _IGNORE_KEYS:
                raise ConfigError(
                    f"{where((*at, key))}: unknown key {key!r}{_did_you_mean(str(key), _IGNORE_KEYS)}"
                )
        rule = _find_check(str(item.get("rule", "")))
        if rule is None:
            raise ConfigError(
                f"{where((*at, 'rule'), True)}: unknown rule {item.get('rule')!r}; see `manikit rules`"
            )
        if is_server_error(rule.code):
            raise ConfigError(f"{where((*at, 'rule'), True)}: {_server_check(rule.code, rule.name)}")
        selectors = {k: item.get(k) for k in ("kind", "name", "namespace", "path-glob")}
        if all(v is None for v in selectors.values()):
            raise ConfigError(
                f"{where(at)}: an ignore entry needs kind, name, namespace or path-glob; "
                f"to turn {rule.name} off everywhere, set `rules: {{{rule.name}: off}}`"
            )
        for key, v in selectors.items():
            if v is not None and not isinstance(v, str):
                raise ConfigError(f"{where((*at, key))}: {key} must be a string")
        entries.append(
            IgnoreEntry(
                rule.code,
                selectors["kind"],
                selectors["name"],
                selectors["namespace"],
                selectors["path-glob"],
            )
        )
    return entries


def _server_check(code: str, name: str) -> str:
    return (
        f"{code} {name} is an error of the Kubernetes API server: it cannot be switched off, lowered or "
        "ignored, since the server refuses the object anyway; remove this entry and fix the manifests"
    )


def _mapping(value: Any, at: DataPath, where: Locator) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where(at)}: {'.'.join(map(str, at))} must be a mapping")
    return value


def _strings(value: Any, at: DataPath, where: Locator) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where(at)}: {at[0]} must be a string or a list of strings")
    return value


def _did_you_mean(key: str, allowed: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f'; did you mean "{guess[0]}"?' if guess else f"; expected one of {', '.join(allowed)}"
