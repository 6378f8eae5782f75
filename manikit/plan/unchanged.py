"""Objects a plan need not read: those still exactly as manikit's last apply of the same manifest
left them (the local control plane keeps a digest of each manifest it applied, with the
resourceVersion the apply produced: ``manikit.cluster.recorded``).

Applying a manifest again to the object its apply made changes nothing, so such an object is
unchanged without decoding it, a dry run or a diff. Anything else goes the whole way, so plans stay
what the full comparison says: a manifest that changed, a manikit that changed (its version and
``GENERATION`` are part of the digest), and any write since the apply (another manager's change, a
scale, a controller's status write: each moves the resourceVersion).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterable
from functools import cache

import orjson

from manikit.cluster import Cluster
from manikit.cluster.recorded import applied_digests
from manikit.errors import PlanError
from manikit.plan.actions import Body, ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.server_side import member_manifest

#: ``MANIKIT_PLAN_EVERY_OBJECT=1``: plans read and compare every object, as ``make_plan(fast=False)``
#: (the record of applies unused; with ``MANIKIT_PARSE_EVERY_DOCUMENT=1``, the whole way for all)
EVERY_OBJECT_ENV = "MANIKIT_PLAN_EVERY_OBJECT"

#: Bump when defaulting or apply change what applying the same manifest makes (development builds
#: keep one version number across such changes).
GENERATION = 1


def reads_every_object() -> bool:
    """Whether plans are told to read and compare every object (``EVERY_OBJECT_ENV``)."""
    return os.environ.get(EVERY_OBJECT_ENV, "") not in ("", "0")


@cache
def version_salt() -> bytes:
    """manikit's version and ``GENERATION``: what every digest of this module is salted with."""
    import manikit

    return f"manikit {manikit.__version__} generation {GENERATION}\n".encode()


def manifest_digest(sent: Body) -> str:
    """The digest of a manifest as apply sends it (with its apply set label), keys sorted."""
    try:
        text = orjson.dumps(sent, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:  # what orjson does not write (an integer beyond 64 bits): json does
        text = json.dumps(sent, sort_keys=True, default=repr).encode()
    return hashlib.blake2b(version_salt() + text, digest_size=20).hexdigest()


def sent_digest(item: Desired, applyset: str) -> str | None:
    """The digest of what apply sends for ``item`` in ``applyset`` (``Desired.sent`` when it was
    computed where the object was loaded); None when the apply set refuses the object."""
    if item.sent is not None and item.sent[0] == applyset:
        return item.sent[1]
    return None if item.manifest is None else digest_of_sent(item.manifest, applyset)


def digest_of_sent(manifest: Body, applyset: str) -> str | None:
    """The digest of ``manifest`` as apply sends it in ``applyset``; None when the set refuses it."""
    try:
        sent = member_manifest(manifest, applyset)
    except PlanError:  # refused where the full path meets it, in the manifests' order
        return None
    return manifest_digest(sent)


def unchanged_keys(
    cluster: Cluster, desired: Iterable[Desired], applyset: str, exclude: Collection[ObjectKey] = ()
) -> set[ObjectKey]:
    """The desired objects that are still what manikit's apply of the same manifest (in the same
    apply set) made; empty where the cluster keeps no record of applies."""
    digests = applied_digests(cluster)
    if not digests:
        return set()
    same: set[ObjectKey] = set()
    for item in desired:
        key = item.key
        recorded = digests.get((key.kind, key.namespace, key.name))
        if recorded is None or key in exclude:
            continue
        if sent_digest(item, applyset) == recorded:
            same.add(key)
    return same
