"""``manikit plan`` in colour writes what rich printing each line would, byte for byte: every action,
refusals, server defaults, long values, unicode and the lines rich itself must print."""

import re
from pathlib import Path

import pytest

from manikit.plan.render import styled
from tests.cli.helpers import Result, run_cli
from tests.conftest import EXAMPLES, write

COLOUR = {"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color", "COLORTERM": ""}
NOTE = "zółw 日本語 🚀 " + "long " * 60 + 'a:smile:b and "quotes"'  # rich would turn :smile: into 😄


@pytest.fixture
def changed(tmp_path: Path) -> tuple[str, Path]:
    """An applied app and its next version: web updated (a long annotation, unicode escaped), api's
    immutable selector changed, the old Service gone, a new Service created from a unicode file name."""
    state = str(tmp_path / "state.db")
    web = (EXAMPLES / "app" / "web-deployment.yaml").read_text()
    api = web.replace("name: web\n  namespace", "name: api\n  namespace").replace("app: web", "app: api")
    service = (EXAMPLES / "app" / "web-service.yaml").read_text()
    write(tmp_path, "d/ns.yaml", (EXAMPLES / "app" / "namespace.yaml").read_text())
    write(tmp_path, "d/web.yaml", web)
    write(tmp_path, "d/api.yaml", api)
    old = write(tmp_path, "d/old.yaml", service.replace("name: web", "name: old", 1))
    applied = run_cli("apply", "--state", state, "--auto-approve", str(tmp_path / "d"))
    assert applied.exit_code == 0, applied.stderr
    old.unlink()
    write(tmp_path, "d/zółw-日本語-🚀.yaml", service.replace("name: web", "name: new", 1))
    write(
        tmp_path,
        "d/web.yaml",
        web.replace("replicas: 3", "replicas: 4").replace(
            "  labels:\n    app: web\nspec",
            f"  labels:\n    app: web\n  annotations:\n    note: '{NOTE}'\nspec",
            1,
        ),
    )
    write(tmp_path, "d/api.yaml", api.replace("app: api", "app: api2"))
    return state, tmp_path / "d"


def _plan(monkeypatch: pytest.MonkeyPatch, *args: str, rich_per_line: bool, env: dict[str, str]) -> Result:
    with monkeypatch.context() as patch:
        if rich_per_line:  # every line is one rich would change: rich prints each, as before the fast path
            patch.setattr(styled, "_RICH_CHANGES", re.compile(""))
        return run_cli("plan", *args, env=env)


@pytest.mark.parametrize(
    "extra",
    [["--replace", "Deployment/shop/api"], []],
    ids=["every-action", "refused"],
)
def test_colour_output_is_what_rich_prints_line_by_line(
    changed: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    state, folder = changed
    args = ("--state", state, "--prune", str(folder), *extra)
    fast = _plan(monkeypatch, *args, rich_per_line=False, env=COLOUR)
    slow = _plan(monkeypatch, *args, rich_per_line=True, env=COLOUR)
    assert (fast.exit_code, fast.stdout) == (slow.exit_code, slow.stdout)
    assert "\x1b[" in fast.stdout and "long long" in fast.stdout
    assert "a:smile:b" in fast.stdout and "😄" not in fast.stdout  # the value as written, as without colour
    if extra:
        assert fast.exit_code == 0, fast.stderr
        for verb in ("will be created", "will be updated in-place", "must be replaced", "will be destroyed"):
            assert verb in fast.stdout
        assert "# (server default)" in fast.stdout
        assert (
            "\x1b[2m  # Service/shop/new will be created  (" in fast.stdout
            and "zółw-日本語-🚀.yaml:1)" in fast.stdout
        )
    else:
        assert fast.exit_code == 1
        assert "\x1b[1;31mError: Deployment/shop/api would be refused" in fast.stdout


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}], ids=["pipe", "no-color"]
)
def test_without_colour_the_plan_is_its_lines_as_they_are(
    changed: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    state, folder = changed
    plain = _plan(monkeypatch, "--state", state, "--prune", str(folder), rich_per_line=False, env=env)
    assert plain.exit_code == 1
    assert "\x1b[" not in plain.stdout and "a:smile:b" in plain.stdout
