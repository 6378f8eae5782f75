"""Shared fixtures: paths to the repository, the examples and ../shared (skipped visibly when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = (REPO / ".." / "shared").resolve()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside this checkout ({SHARED}); compatibility tests need it")
    return SHARED


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output",
    )


def pytest_configure(config: pytest.Config) -> None:
    # one flag for every golden file: the reporters' tests read the environment variable
    if config.getoption("--update-golden"):
        os.environ["MANIKIT_REGEN_GOLDEN"] = "1"


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden(path, text)``: compare rendered output with a reviewed file; --update-golden rewrites it."""

    def check(path: Path, text: str) -> None:
        if request.config.getoption("--update-golden") or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not request.config.getoption("--update-golden"):
                pytest.fail(f"golden file {path} did not exist; written now: review and commit it")
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path}; rerun with --update-golden"
        )

    return check
