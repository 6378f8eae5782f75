"""Every input has a limit and a message: values files (even endless ones), --set depth and size,
lint options; each is a configuration error (exit 2), never a traceback or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES, write

TEMPLATED = str(EXAMPLES / "templated")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--values", "/dev/zero"), "/dev/zero: a values file holds at most 8 MiB"),
        (("--set", "a." * 5000 + "b=1"), "levels deep, over 32"),
        (("--set", "a=" + "x" * 100_000), "over 64 KiB; put large values in a --values file"),
        (("--set", "a=" + "[" * 5000), "--set"),
    ],
)
def test_values_inputs_are_bounded(args: tuple[str, ...], message: str) -> None:
    result = run_cli("render", TEMPLATED, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("ratio", ['"abc"', "1e400", "-1", ".nan", "1e300"])
def test_lint_options_out_of_range_are_config_errors(tmp_path: Path, ratio: str) -> None:
    config = write(
        tmp_path,
        "c.yaml",
        f"rules:\n  limit-request-ratio: {{level: warning, max_ratio: {{cpu: {ratio}}}}}\n",
    )
    result = run_cli("lint", "--config", str(config), str(EXAMPLES / "app"))
    assert result.exit_code == 2, result.stdout
    assert "option 'max_ratio.cpu'" in result.stderr
