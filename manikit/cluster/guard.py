"""Failures while using a local state: the store's errors as manikit's, and an unexpected failure over
damaged stored objects reported as a damaged state (exit 1, with what to do) rather than a bug."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from manikit.errors import StateDamagedError
from manikit.runtime.api.damage import find_damage
from manikit.runtime.store import Store, state_failures

#: what code meeting a stored object of the wrong shape raises; also what a bug raises
_UNEXPECTED = (LookupError, TypeError, AttributeError, ValueError, ArithmeticError)


@contextmanager
def guard(store: Store) -> Iterator[None]:
    """Store failures as manikit's errors; an unexpected failure over damaged objects as a damaged
    state (exit 1, with what to do) rather than a bug."""
    with state_failures(store.location):
        try:
            yield
        except _UNEXPECTED as exc:
            _raise_if_damaged(store, exc)
            raise


def _raise_if_damaged(store: Store, exc: BaseException) -> None:
    if store.in_transaction:
        return
    try:
        damage = find_damage(store)
    except Exception:  # the search itself met the damage: report the original failure
        return
    if damage:
        raise StateDamagedError(
            f"state {store.location} is damaged: {'; '.join(damage)}; restore it with "
            "`manikit state restore`, or delete those objects with `manikit delete KIND NAME`"
        ) from exc
