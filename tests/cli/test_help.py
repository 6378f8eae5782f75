"""Help texts: real metavars (never a Python type like <list[str]>), an example for every command, no
pydantic wording in usage errors."""

from __future__ import annotations

import re

import pytest
import typer

from manikit.cli.app import app
from tests.cli.helpers import run_cli


def _commands(group: typer.core.TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf command of the CLI, so a new command cannot miss these checks."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, typer.core.TyperGroup):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_group(app))


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
