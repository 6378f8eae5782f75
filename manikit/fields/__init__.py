"""Field management below the control plane: strategic merge over merge keys, field sets as
``managedFields`` spell them, the ownership every write records and server-side apply. Pure functions
over Kubernetes JSON dicts; the runtime's Api and the REST server both use them.

    strategic   merge keys and strategic merge patch
    fields_v1   field sets <-> ``fieldsV1``; reading, removing and printing the fields they name
    ownership   the ``Update`` entry of a create, update, scale or status write
    applying    server-side apply: conflicts and the merged object
"""

from manikit.fields.applying import (
    CONFLICT_REASON,
    check_applier,
    conflict_error,
    conflicts,
    created_applied,
    merge_applied,
)
from manikit.fields.fields_v1 import (
    ITEM,
    Path,
    dotted,
    field_set,
    fields_tree,
    from_fields_v1,
    to_fields_v1,
    value_at,
)
from manikit.fields.ownership import (
    MAX_MANAGER,
    check_manager,
    describe,
    entries_of,
    identity,
    keep_entries,
    record_update,
    sort_entries,
)
from manikit.fields.strategic import MERGE_KEYS, list_key, strategic_merge

__all__ = [
    "CONFLICT_REASON",
    "ITEM",
    "MAX_MANAGER",
    "MERGE_KEYS",
    "Path",
    "check_applier",
    "check_manager",
    "conflict_error",
    "conflicts",
    "created_applied",
    "describe",
    "dotted",
    "entries_of",
    "field_set",
    "fields_tree",
    "from_fields_v1",
    "identity",
    "keep_entries",
    "list_key",
    "merge_applied",
    "record_update",
    "sort_entries",
    "strategic_merge",
    "to_fields_v1",
    "value_at",
]
