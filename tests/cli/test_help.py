"""Help texts: real metavars (never a Python type like <list[str]>), an example for every command, no
pydantic wording in usage errors."""

from __future__ import annotations

import re

import pytest

from tests.cli.helpers import run_cli

COMMANDS = [
    ("validate",), ("lint",), ("plan",), ("apply",), ("render",), ("rules",), ("rules", "explain"),
    ("schema",), ("get",), ("describe",), ("delete",), ("scale",), ("events",), ("nodes", "add"),
    ("rollout", "status"), ("rollout", "history"), ("rollout", "undo"), ("rollout", "pause"),
    ("rollout", "resume"),
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_has_real_metavars_and_an_example(command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    text = result.stdout
    types = re.findall(r"<(?:list\[\w+\]|str|int|float|path|int range|float range)>", text)
    assert types == [], f"Python types shown as metavars: {types}"
    assert "Example: manikit " in text or "Examples: manikit " in text
    assert "[[" not in text.splitlines()[0]  # the usage line


def test_usage_errors_speak_manikit_not_pydantic() -> None:
    result = run_cli("get", "pods", "-o", "wid")
    assert result.exit_code == 2
    assert "Value error" not in result.stderr
    assert "'wid' is not one of 'wide', 'yaml', 'json', 'name'" in result.stderr


def test_python_dash_m_manikit() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "manikit", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("manikit ")
