"""The spinner for long phases: shown to a person at a terminal, never in CI logs or pipes."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from rich.status import Status

from manikit.cli import console


def test_no_spinner_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "is_interactive", lambda: False)
    assert isinstance(console.phase("planning..."), nullcontext)


def test_a_spinner_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "is_interactive", lambda: True)
    assert isinstance(console.phase("planning..."), Status)
