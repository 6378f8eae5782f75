"""Configuration: discovery upward, levels and options per rule, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.diagnostics import Level
from manikit.errors import ConfigError
from manikit.lint.config import find_config, load_config
from manikit.lint.rules.limit_request_ratio import Options as RatioOptions
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES
from tests.lint.helpers import write


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config.fail_on is Level.ERROR
    assert config.levels["MK106"] is None  # missing-cpu-limit off by default
    assert config.enabled()["MK103"] is Level.WARNING
    assert "MK102" not in config.enabled()  # limit-below-request: a validation check, always on


def test_found_from_a_subdirectory_upward(tmp_path: Path) -> None:
    write(tmp_path, ".manikit.yaml", "fail-on: warning\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / ".manikit.yaml"


def test_pyproject_table_counts_only_when_present(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path) in (None, *[p / ".manikit.yaml" for p in tmp_path.parents])
    write(
        tmp_path,
        "pyproject.toml",
        "[tool.manikit]\nfail-on = 'warning'\n[tool.manikit.rules]\nnaked-pod = 'off'\n",
    )
    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found)
    assert config.fail_on is Level.WARNING
    assert config.levels["MK308"] is None


def test_levels_options_exclude_nodes_and_ignores(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "conf/.manikit.yaml",
        """fail-on: warning
exclude: ["vendor/*"]
nodes: cluster/nodes.yaml
rules:
  missing-cpu-limit: warning
  MK302: off
  limit-request-ratio: {level: error, max_ratio: {memory: 1.5}}
ignore:
  - {rule: MK105, kind: Deployment, name: legacy}
  - {rule: host-port, path-glob: "vendor/*"}
""",
    )
    config = load_config(path)
    assert config.levels["MK106"] is Level.WARNING
    assert config.levels["MK302"] is None
    assert config.levels["MK109"] is Level.ERROR
    options = config.options["MK109"]
    assert isinstance(options, RatioOptions) and options.max_ratio == {"memory": 1.5}
    assert config.exclude == ("vendor/*",)
    assert config.nodes == (str(tmp_path / "conf" / "cluster/nodes.yaml"),)
    assert [(e.code, e.kind, e.name, e.path_glob) for e in config.ignores] == [
        ("MK105", "Deployment", "legacy", None),
        ("MK307", None, None, "vendor/*"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  no-such-rule: warning\n", ".manikit.yaml:2:3: unknown rule 'no-such-rule'"),
        ("rules:\n  naked-pod: loud\n", ".manikit.yaml:2:14: level 'loud' is not one of off"),
        (
            "rules:\n  limit-request-ratio:\n    level: warning\n    max_ratio: {memory: lots}\n",
            ".manikit.yaml:4:25: rule limit-request-ratio option 'max_ratio.memory'",
        ),
        (
            "rules:\n  suspicious-cpu-value: {max_core: 8}\n",
            ".manikit.yaml:2:26: rule suspicious-cpu-value option 'max_core'",
        ),
        (
            "rules:\n  resource-range: {min: {cpu: 10 m}}\n",
            ".manikit.yaml:2:31: rule resource-range option 'min.cpu': \"10 m\" is not a valid quantity",
        ),
        ("fail_on: warning\n", ".manikit.yaml:1:1: unknown key 'fail_on'; did you mean \"fail-on\"?"),
        ("fail-on: off\n", "fail-on must be info, warning or error"),
        ("rules:\n  MK012: off\n", "MK012 empty-file is a validation check, always on"),
        (
            "rules:\n  limit-below-request: warning\n",
            ".manikit.yaml:2:3: MK102 limit-below-request is an error of the Kubernetes API server: "
            "it cannot be switched off",
        ),
        ("rules:\n  MK002: off\n", "MK002 unknown-field is an error of the Kubernetes API server"),
        (
            "ignore:\n  - {rule: invalid-name, kind: Pod}\n",
            ".manikit.yaml:2:12: MK202 invalid-name is an error of the Kubernetes API server",
        ),
        ("ignore:\n  - {rule: MK999, kind: Pod}\n", ".manikit.yaml:2:12: unknown rule 'MK999'"),
        ("ignore:\n  - {rule: naked-pod}\n", "needs kind, name, namespace or path-glob"),
        ("ignore:\n  - {rule: naked-pod, knd: Pod}\n", "unknown key 'knd'; did you mean \"kind\"?"),
        ("rules: [a]\n", ".manikit.yaml:1:1: rules must be a mapping"),
        ("rules: {a: [\n", "yaml"),
    ],
    ids=[
        "unknown-rule",
        "bad-level",
        "bad-option-value",
        "unknown-option",
        "bad-quantity-option",
        "unknown-top-key",
        "fail-on-off",
        "builtin-level",
        "server-check-level",
        "server-check-off",
        "server-check-ignored",
        "ignore-unknown-rule",
        "ignore-without-selector",
        "ignore-unknown-key",
        "rules-not-mapping",
        "yaml-syntax",
    ],
)
def test_mistakes_are_config_errors_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, ".manikit.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message.lower() in str(info.value).lower()
    assert str(path) in str(info.value) or ".manikit.yaml" in str(info.value)


def test_toml_errors_name_a_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "pyproject.toml", "[project]\nname='x'\n\n[tool.manikit.rules]\nnaked-pod = 'loud'\n"
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: level 'loud'"):
        load_config(path)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "limit-request-ratio: {level: warning, max_ratio: {cpu: abc}}",
            """option 'max_ratio.cpu': "abc" is not a number""",
        ),
        (
            "resource-range: {level: warning, mni: {cpu: 1}}",
            "option 'mni': unknown option; `manikit rules explain MK110`",
        ),
    ],
    ids=["not-a-number", "unknown-option"],
)
def test_option_errors_speak_manikit_not_pydantic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, message: str
) -> None:
    (tmp_path / ".manikit.yaml").write_text(f"rules:\n  {option}\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", str(EXAMPLES / "app"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Input should" not in result.stderr and "Extra inputs" not in result.stderr
