"""Kubeconfig handling as kubectl's loading rules have it: which files, how they merge, which context,
relative paths, the insecure flag, and a clear error for each way it can be wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from manikit.cluster.kubeconfig import kubeconfig_files, load_merged, select_context, select_server
from manikit.errors import ConfigError


def _config(
    path: Path,
    *,
    current: str | None,
    contexts: dict[str, tuple[str, str | None]],
    clusters: dict[str, dict[str, object]],
    users: dict[str, dict[str, object]] | None = None,
) -> Path:
    body = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": n, "cluster": c} for n, c in clusters.items()],
        "users": [{"name": n, "user": u} for n, u in (users or {}).items()],
        "contexts": [
            {"name": n, "context": {"cluster": c, **({"user": u} if u else {})}}
            for n, (c, u) in contexts.items()
        ],
    }
    if current:
        body["current-context"] = current
    path.write_text(json.dumps(body))  # JSON is YAML
    return path


@pytest.fixture
def two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    first = _config(
        tmp_path / "a.yaml",
        current="prod",
        contexts={"prod": ("prod", "admin")},
        clusters={"prod": {"server": "https://prod.example:6443", "certificate-authority": "ca.crt"}},
        users={"admin": {"token": "t-a"}},
    )
    (tmp_path / "sub").mkdir()
    second = _config(
        tmp_path / "sub" / "b.yaml",
        current="dev",
        contexts={"dev": ("dev", "me"), "prod": ("dev", "me")},
        clusters={"dev": {"server": "https://127.0.0.1:7443", "insecure-skip-tls-verify": True}},
        users={"me": {"client-certificate": "me.crt", "client-key": "me.key"}},
    )
    monkeypatch.setenv(
        "KUBECONFIG", os.pathsep.join([str(first), str(tmp_path / "missing.yaml"), str(second)])
    )
    return first, second


def test_kubeconfig_lists_files_as_kubectl(two_files: tuple[Path, Path], tmp_path: Path) -> None:
    assert kubeconfig_files() == (two_files[0], tmp_path / "missing.yaml", two_files[1])
    assert kubeconfig_files(two_files[1]) == (two_files[1],)
    with pytest.raises(ConfigError, match=r"--kubeconfig .*nope\.yaml: no such file"):
        kubeconfig_files(tmp_path / "nope.yaml")


def test_files_merge_first_name_and_first_current_context_win(two_files: tuple[Path, Path]) -> None:
    merged = load_merged(kubeconfig_files())
    assert merged["current-context"] == "prod"
    assert [c["name"] for c in merged["contexts"]] == ["prod", "dev"]
    prod = next(c for c in merged["contexts"] if c["name"] == "prod")
    assert prod["context"]["cluster"] == "prod"  # the first file's, not the second's


def test_the_current_context_by_default_and_relative_paths_from_their_file(
    two_files: tuple[Path, Path],
) -> None:
    first, second = two_files
    target = select_context()
    assert (target.context, target.server) == ("prod", "https://prod.example:6443")
    assert target.config.cluster.certificate_auth == str(first.parent / "ca.crt")
    dev = select_context("dev")
    assert dev.config.user is not None and dev.config.user.client_cert == str(second.parent / "me.crt")
    assert dev.location == "https://127.0.0.1:7443 (context dev)"


def test_the_insecure_flag_is_read_and_off_by_default(two_files: tuple[Path, Path]) -> None:
    assert select_context("dev").config.cluster.insecure is True
    assert select_context("prod").config.cluster.insecure is False


def test_only_the_named_file_with_kubeconfig(two_files: tuple[Path, Path]) -> None:
    target = select_context(kubeconfig=two_files[1])
    assert target.context == "dev"
    assert select_context("prod", two_files[1]).server == "https://127.0.0.1:7443"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("staging", r'context "staging" not found in .*a\.yaml.*; the contexts are: prod, dev'),
    ],
    ids=["missing-context"],
)
def test_a_missing_context_names_the_files_and_the_choices(
    two_files: tuple[Path, Path], context: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        select_context(context)


def test_no_current_context_asks_for_one(tmp_path: Path) -> None:
    path = _config(
        tmp_path / "k", current=None, contexts={"x": ("x", None)}, clusters={"x": {"server": "https://h"}}
    )
    with pytest.raises(ConfigError, match=r"sets no current-context; name one with --context \(x\)"):
        select_context(kubeconfig=path)
    assert select_context("x", path).config.user is not None  # no user: no credentials, still usable


def test_a_context_naming_an_undefined_cluster_or_user(tmp_path: Path) -> None:
    path = _config(tmp_path / "k", current="x", contexts={"x": ("nowhere", None)}, clusters={})
    with pytest.raises(
        ConfigError, match=r'context "x" names the cluster "nowhere", which .* does not define'
    ):
        select_context(kubeconfig=path)
    path = _config(
        tmp_path / "k", current="x", contexts={"x": ("c", "ghost")}, clusters={"c": {"server": "https://h"}}
    )
    with pytest.raises(ConfigError, match=r'names the user "ghost"'):
        select_context(kubeconfig=path)


def test_bad_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("apiVersion: v1\nclusters: [\n  - name: x\n  bad\n")
    with pytest.raises(ConfigError, match=rf"{path}:\d+:\d+: the kubeconfig is not valid YAML"):
        select_context(kubeconfig=path)


def test_a_server_url_finds_its_context(two_files: tuple[Path, Path]) -> None:
    assert select_server("https://127.0.0.1:7443").context == "dev"
    assert select_server("https://127.0.0.1:7443/").context == "dev"
    with pytest.raises(ConfigError, match=r"no kubeconfig context names the server https://127\.0\.0\.1:1"):
        select_server("https://127.0.0.1:1")


def test_no_context_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    with pytest.raises(
        ConfigError, match=r"no kubeconfig context in .*none; give --kubeconfig FILE or set KUBECONFIG"
    ):
        select_context()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", r"a kubeconfig is a mapping"),
        ("clusters: [{cluster: {server: x}}]\n", r"every entry of clusters needs a name"),
        ("users: [{name: me, user: token}]\n", r"users me: user is a mapping of its settings"),
    ],
    ids=["not-a-mapping", "nameless", "user-not-a-mapping"],
)
def test_malformed_kubeconfigs_name_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "k"
    path.write_text(text)
    with pytest.raises(ConfigError, match=rf"^{path}: .*{message}"):
        select_context(kubeconfig=path)
