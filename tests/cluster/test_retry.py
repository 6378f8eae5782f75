"""retry_on_conflict: a read-modify-write that lost a race reads again, as client-go's RetryOnConflict."""

from __future__ import annotations

import pytest

from manikit.cluster.retry import STEPS, retry_on_conflict
from manikit.errors import ConflictError


def stale() -> ConflictError:
    return ConflictError.of("deployments", "web", group="apps")


def test_a_stale_write_is_tried_again_until_it_lands() -> None:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise stale()
        return "written"

    assert retry_on_conflict(attempt, delay=0) == "written"
    assert len(calls) == 3


def test_it_gives_up_after_client_gos_five_attempts() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise stale()

    with pytest.raises(ConflictError, match="the object has been modified"):
        retry_on_conflict(attempt, delay=0)
    assert len(calls) == STEPS == 5


def test_a_field_conflict_of_server_side_apply_is_not_retried() -> None:
    calls: list[int] = []
    why = 'Apply failed with 1 conflict: conflict with "manikit-scale": .spec.replicas'

    def attempt() -> None:
        calls.append(1)
        raise ConflictError.of("deployments", "web", why=why, group="apps")

    with pytest.raises(ConflictError, match="Apply failed"):
        retry_on_conflict(attempt, delay=0)
    assert calls == [1]


def test_other_errors_pass_through_at_once() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise ValueError("not a conflict")

    with pytest.raises(ValueError, match="not a conflict"):
        retry_on_conflict(attempt, delay=0)
    assert calls == [1]
