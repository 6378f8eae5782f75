"""ConfigMaps through the CLI: validate and lint them, apply them, `get cm`, `describe configmap`, and
an immutable ConfigMap's data refused as the API server refuses it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import run_cli
from tests.conftest import write

SETTINGS = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  app.properties: |
    color=blue
  mode: fast
binaryData:
  blob: aGVsbG8=
"""


def test_validate_names_the_file_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\n"
        "data:\n  ..x: a\n  k: v\nbinaryData:\n  k: djE=\n",
    )
    for command in ("validate", "lint"):
        result = run_cli(command, str(path))
        assert result.exit_code == 1
        assert (
            f"{path}:5:3: error MK001 invalid-value: data[..x]: Invalid value: "
            "\"..x\": must not start with '..'" in result.stdout
        )
        assert (
            f'{path}:6:3: error MK001 invalid-value: data[k]: Invalid value: "k": '
            "duplicate of key present in binaryData" in result.stdout
        )
    good = write(tmp_path, "good.yaml", SETTINGS)
    assert run_cli("validate", str(good)).exit_code == 0
    assert run_cli("lint", str(good)).exit_code == 0


def test_apply_get_and_describe(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    env = {"MANIKIT_NOW": "2025-06-01T12:00:00Z"}
    applied = run_cli("apply", "--state", state, "-y", str(write(tmp_path, "cm.yaml", SETTINGS)), env=env)
    assert applied.exit_code == 0, applied.stderr
    listed = run_cli("get", "--state", state, "cm", env=env)
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines()[0].split() == ["NAME", "DATA", "AGE"]
    assert listed.stdout.splitlines()[1].split()[:2] == ["settings", "3"]
    described = run_cli("describe", "--state", state, "configmap", "settings", env=env)
    assert described.exit_code == 0, described.stderr
    text = described.stdout
    assert "Name:" in text and "settings" in text
    assert "Data\n====\napp.properties:\n----\ncolor=blue\n" in text
    assert "mode:\n----\nfast\n" in text
    assert "BinaryData\n====\nblob: 5 bytes\n" in text
    assert run_cli("plan", "--state", state, "--detailed-exitcode", str(tmp_path / "cm.yaml")).exit_code == 0


def test_an_immutable_configmaps_data_cannot_change(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    frozen = SETTINGS + "immutable: true\n"
    assert run_cli("apply", "--state", state, "-y", str(write(tmp_path, "v1/cm.yaml", frozen))).exit_code == 0
    changed = frozen.replace("mode: fast", "mode: slow")
    result = run_cli("apply", "--state", state, "-y", str(write(tmp_path, "v2/cm.yaml", changed)))
    assert result.exit_code != 0  # refused at plan time, in the server's words: nothing applied
    assert "Error: ConfigMap/default/settings would be refused" in result.stdout
    assert (
        'ConfigMap "settings" is invalid: data: Forbidden: field is immutable when `immutable` is set'
        in result.stdout
    )
    assert "nothing applied" in result.stderr
    assert "Traceback" not in result.stderr
    got = run_cli("get", "--state", state, "cm", "settings", "-o", "json")
    assert json.loads(got.stdout)["data"]["mode"] == "fast"
