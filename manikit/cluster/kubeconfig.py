"""Which Kubernetes API server a command talks to, and with what credentials: kubeconfig files read
as kubectl reads them (``clientcmd``'s loading rules), handed to lightkube as one ``SingleConfig``.

- ``--kubeconfig FILE``: that file only (it must exist); else ``KUBECONFIG``, paths joined by
  ``os.pathsep``, merged (the first file that names a cluster, user or context wins, and the first
  ``current-context`` set), files that do not exist skipped; else ``~/.kube/config``.
- ``--context NAME``: that context; else the ``current-context``.
- ``https://HOST:PORT`` (``--state``): the context whose cluster's server is that URL (the current
  one first); ``.manikit/kubeconfig``, where ``manikit serve`` writes one, is read last.

Relative paths in a file (certificate-authority, client-certificate, client-key, tokenFile) are taken
from that file's directory, as kubectl's ``ResolveLocalPaths`` does. Credentials stay in the
returned config: nothing here prints or stores them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lightkube.config.kubeconfig import KubeConfig, SingleConfig
from lightkube.config.models import User
from lightkube.core.exceptions import ConfigError as LightkubeConfigError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from manikit.errors import ConfigError

KUBECONFIG_ENV = "KUBECONFIG"
HOME_KUBECONFIG = Path("~/.kube/config")
SERVED_KUBECONFIG = Path(".manikit") / "kubeconfig"
_SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))
_PATH_FIELDS = {
    "cluster": ("certificate-authority",),
    "user": ("client-certificate", "client-key", "tokenFile"),
}


@dataclass(frozen=True)
class Target:
    """One API server as a kubeconfig context names it, with where that came from (for messages)."""

    config: SingleConfig
    files: tuple[Path, ...]

    @property
    def server(self) -> str:
        return self.config.cluster.server

    @property
    def context(self) -> str:
        return self.config.context_name

    @property
    def location(self) -> str:
        """The server and the context: never a credential."""
        return f"{self.server} (context {self.context})"


def kubeconfig_files(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, ...]:
    """The files to read, in precedence order (kubectl's rules; see the module docstring)."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"--kubeconfig {explicit}: no such file")
        return (path,)
    listed = os.environ.get(KUBECONFIG_ENV, "")
    if listed.strip():
        return tuple(Path(p).expanduser() for p in listed.split(os.pathsep) if p.strip())
    return (HOME_KUBECONFIG.expanduser(),)


def load_merged(files: tuple[Path, ...]) -> dict[str, Any]:
    """The files merged as kubectl merges them: first name wins, first current-context wins."""
    merged: dict[str, Any] = {"clusters": [], "users": [], "contexts": [], "current-context": None}
    seen: dict[str, set[str]] = {section: set() for section, _ in _SECTIONS}
    for path in files:
        config = _read(path)
        if config is None:
            continue
        if not merged["current-context"] and config.get("current-context"):
            merged["current-context"] = str(config["current-context"])
        for section, field in _SECTIONS:
            for entry in config.get(section) or []:
                if not isinstance(entry, dict) or not entry.get("name"):
                    raise ConfigError(f"{path}: every entry of {section} needs a name")
                name = str(entry["name"])
                if not isinstance(entry.get(field) or {}, dict):
                    raise ConfigError(f"{path}: {section} {name}: {field} is a mapping of its settings")
                if name not in seen[section]:
                    seen[section].add(name)
                    body = _resolved(dict(entry.get(field) or {}), field, path.parent)
                    merged[section].append({"name": name, field: body})
    return merged


def _read(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None  # as kubectl: a KUBECONFIG entry that does not exist is skipped
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the kubeconfig: {exc.strerror}") from exc
    try:
        config = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = exc.problem if isinstance(exc, MarkedYAMLError) else exc
        raise ConfigError(f"{where}: the kubeconfig is not valid YAML ({problem})") from exc
    if config is None:
        return None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a kubeconfig is a mapping (apiVersion: v1, kind: Config, ...)")
    return config


def _resolved(body: dict[str, Any], field: str, base: Path) -> dict[str, Any]:
    for key in _PATH_FIELDS.get(field, ()):
        value = body.get(key)
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            body[key] = str(base / value)
    return body


def _described(files: tuple[Path, ...]) -> str:
    return ", ".join(str(p) for p in files)


def select_context(context: str | None = None, kubeconfig: str | os.PathLike[str] | None = None) -> Target:
    """The API server of ``context`` (else the current context) in the kubeconfig files."""
    files = kubeconfig_files(kubeconfig)
    merged = load_merged(files)
    names = [c["name"] for c in merged["contexts"]]
    if not names:
        raise ConfigError(
            f"no kubeconfig context in {_described(files)}; give --kubeconfig FILE or set {KUBECONFIG_ENV}"
        )
    chosen = context or merged["current-context"]
    if not chosen:
        raise ConfigError(
            f"{_described(files)} sets no current-context; name one with --context ({', '.join(names)})"
        )
    if chosen not in names:
        raise ConfigError(
            f'context "{chosen}" not found in {_described(files)}; the contexts are: {", ".join(names)}'
        )
    return Target(_single(merged, chosen, files), files)


def select_server(url: str, kubeconfig: str | os.PathLike[str] | None = None) -> Target:
    """The context whose cluster's server is ``url`` (``--state https://...``), the current one first."""
    files = kubeconfig_files(kubeconfig)
    if not kubeconfig:
        files = (*files, SERVED_KUBECONFIG)
    merged = load_merged(files)
    servers = {
        c["name"]: str((c.get("cluster") or {}).get("server", "")).rstrip("/") for c in merged["clusters"]
    }
    matching = [
        c["name"]
        for c in merged["contexts"]
        if servers.get(str((c.get("context") or {}).get("cluster", ""))) == url.rstrip("/")
    ]
    if not matching:
        raise ConfigError(
            f"no kubeconfig context names the server {url} (read {_described(files)}); set "
            f"{KUBECONFIG_ENV} to the kubeconfig `manikit serve` wrote, or give --kubeconfig FILE"
        )
    chosen = merged["current-context"] if merged["current-context"] in matching else matching[0]
    return Target(_single(merged, chosen, files), files)


def _single(merged: dict[str, Any], context: str, files: tuple[Path, ...]) -> SingleConfig:
    entry = next(c for c in merged["contexts"] if c["name"] == context)
    cluster = (entry.get("context") or {}).get("cluster")
    if cluster not in {c["name"] for c in merged["clusters"]}:
        raise ConfigError(
            f'context "{context}" names the cluster "{cluster}", which {_described(files)} does not define'
        )
    user = (entry.get("context") or {}).get("user")
    if user and user not in {u["name"] for u in merged["users"]}:
        raise ConfigError(
            f'context "{context}" names the user "{user}", which {_described(files)} does not define'
        )
    try:
        single = KubeConfig.from_dict(merged, fname=files[0]).get(context)
    except (LightkubeConfigError, TypeError, ValueError) as exc:
        raise ConfigError(f'{_described(files)}: context "{context}" cannot be used: {exc}') from exc
    assert single is not None
    if single.user is None:  # no credentials (a plain-http manikit serve): lightkube wants a user
        single = single._replace(user=User())
    return single
