"""manikit apply at a real terminal (a pseudo-terminal): it asks, and only "yes" applies."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manikit.runtime.api import Api
from manikit.runtime.store import open_store
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _run_at_terminal(args: list[str], answer: bytes, timeout: float = 120) -> tuple[int, str]:
    exe = Path(sys.executable).with_name("manikit")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env.update({"TERM": "xterm", "COLUMNS": "200"})
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(exe), *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other side closed: the process is done
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"Enter a value" in seen:
            os.write(master, answer)
            answered = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, seen.decode(errors="replace")


def test_yes_applies(tmp_path: Path) -> None:
    state = str(tmp_path / "s.db")
    code, output = _run_at_terminal(["apply", "--state", state, str(EXAMPLES / "app")], b"yes\r")
    assert "Do you want to perform these actions?" in output
    assert code == 0, output
    assert "Apply complete!" in output
    assert Api(open_store(state)).find("Deployment", "web", "shop") is not None


def test_anything_else_cancels(tmp_path: Path) -> None:
    state = str(tmp_path / "s.db")
    code, output = _run_at_terminal(["apply", "--state", state, str(EXAMPLES / "app")], b"y\r")
    assert code == 1
    assert "Apply cancelled." in output
    assert Api(open_store(state)).find("Deployment", "web", "shop") is None
