"""The controllers' cached view of each store (``manikit.runtime.reconcile``), kept from one reconcile
to the next in this process, and found here by what reads what they did (a rollout report, the
refresh of apply's notes) without importing the controllers.

The view reaches its store through a weak proxy: a value holding its own key strongly would keep the
entry, and every object the caches hold, alive for as long as the process runs.
"""

from __future__ import annotations

import weakref
from typing import Any

from manikit.runtime.api import Api
from manikit.runtime.store import Store


class Views:
    """A store's cached view and the controllers' own caches beside it (their ``ModelCache``)."""

    __slots__ = ("models", "view")

    def __init__(self, view: Api, models: Any) -> None:
        self.view = view
        self.models = models


_VIEWS: weakref.WeakKeyDictionary[Store, Views] = weakref.WeakKeyDictionary()


def kept(store: Store) -> Views | None:
    """What the last reconcile of ``store`` in this process kept; None when none ran (or ``store``
    cannot be a key: nothing is kept for it)."""
    try:
        return _VIEWS.get(store)
    except TypeError:
        return None


def keep(store: Store, views: Views) -> None:
    _VIEWS[store] = views


def controllers_view(store: Store) -> Api | None:
    """The controllers' cached view of ``store``, when a reconcile ran here: every object they read,
    decoded once and caught up from the store's history at each read. Its bodies are shared: read
    them, never change them."""
    found = kept(store)
    return None if found is None else found.view
