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


def many_apps(count: int, *, replicas: int = 0, image: str = "nginx:1.27", services: bool = True) -> str:
    """``count`` Deployments web-0... of ``replicas`` (10m CPU, 16Mi each), and their Services unless
    ``services`` is False, as one YAML stream."""
    docs = []
    for i in range(count):
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web-{i}}}\nspec:\n"
            f"  replicas: {replicas}\n"
            f"  selector: {{matchLabels: {{app: web-{i}}}}}\n  template:\n"
            f"    metadata: {{labels: {{app: web-{i}}}}}\n"
            f"    spec:\n      containers:\n      - name: web\n        image: {image}\n"
            f"        resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}\n"
        )
        if services:
            docs.append(
                f"apiVersion: v1\nkind: Service\nmetadata: {{name: web-{i}}}\n"
                f"spec:\n  selector: {{app: web-{i}}}\n  ports: [{{port: 80}}]\n"
            )
    return "---\n".join(docs)
