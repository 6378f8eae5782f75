"""Running the CLI in tests: in-process through the real entry point (exit codes and the error
handler included), or as a subprocess of the installed console script."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from manikit.cli.main import main


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """The whole CLI as a user meets it (entry point, error handler, exit code), in this process."""
    runner = CliRunner()
    with runner.isolation(input=input, env=env) as streams:
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return Result(code, out.decode(), err.decode() if err is not None else "")


def run_process(
    *args: str,
    cwd: Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    """The installed console script in a subprocess, for what only a real process shows."""
    exe = Path(sys.executable).with_name("manikit")
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [str(exe), *args], cwd=cwd, input=input, capture_output=True, text=True, env=full_env, timeout=timeout
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


# run() ends some commands without the interpreter's teardown; main() never does
PLAIN_ENTRY = "import sys; from manikit.cli.main import main; sys.exit(main(sys.argv[1:]))"
FAST_ENTRY = "from manikit.cli.main import run; run()"


def ends_on_a_full_disk(args: Callable[[int], list[str]], env: dict[str, str]) -> list[tuple[int, str]]:
    """How the process ends with stdout on /dev/full, through run() and through plain main() (the
    arguments of run i are args(i)): each (exit code, last line of stderr)."""
    ended: list[tuple[int, str]] = []
    for i, entry in enumerate((FAST_ENTRY, PLAIN_ENTRY)):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-c", entry, *args(i)],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **env},
                timeout=120,
            )
        ended.append((done.returncode, done.stderr.splitlines()[-1] if done.stderr else ""))
    return ended
