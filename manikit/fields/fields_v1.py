"""Field sets as managedFields' ``fieldsV1`` spells them: ``f:spec``, ``f:replicas``, keyed list items
``k:{"name":"web"}`` and ``.`` for an item itself; reading, removing and printing the fields they name.
Server-side apply (``applying``) and the ownership of other writes (``ownership``) share them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from manikit.fields.strategic import SCALARS, NeedsMerge, check_plain_copy, list_key

Path = tuple[str, ...]
ITEM = "."  # a list item itself, as fieldsV1 marks it
#: Fields the server owns: never part of an applier's set.
SERVER_FIELDS = frozenset(
    {"status", "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"}
)


def _fields(config: dict[str, Any], prefix: Path) -> Iterator[tuple[str, Path, Any]]:
    """(key, path, value) of each field of ``config`` that someone can own."""
    for key, value in config.items():
        if not prefix and key in ("apiVersion", "kind"):
            continue
        if key in SERVER_FIELDS and len(prefix) <= 1:
            continue
        if prefix == ("f:metadata",) and key in ("name", "namespace"):
            continue  # they name the object; nobody owns them
        yield key, (*prefix, f"f:{key}"), value


def _merge_key(key: str, value: Any) -> str | None:
    """The merge key of a list owned item by item (None: a leaf, owned whole)."""
    if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        return list_key(key, value)
    return None


def _item(path: Path, merge_key: str, item: dict[str, Any]) -> Path:
    return (*path, _item_name(merge_key, item.get(merge_key)))


def field_set(config: Any, prefix: Path = ()) -> set[Path]:
    """The leaf paths ``config`` sets: ``f:spec``, ``f:replicas``; keyed list items ``k:{...}``."""
    if not isinstance(config, dict):
        return {prefix}
    found: set[Path] = set()
    for key, path, value in _fields(config, prefix):
        merge_key = _merge_key(key, value)
        if isinstance(value, dict) and value:
            found |= field_set(value, path)
        elif merge_key:
            for item in value:
                item_path = _item(path, merge_key, item)
                found.add((*item_path, ITEM))
                found |= field_set(item, item_path)
        else:
            found.add(path)
    return found


def fields_v1_of(config: dict[str, Any], prefix: Path = ()) -> dict[str, Any]:
    """``to_fields_v1(field_set(config))`` built in one walk (no path tuples): what an applier of
    ``config`` owns, as its managedFields entry spells it. A plan computes it for every object."""
    return _tree(config, len(prefix), prefix == ("f:metadata",))


def _tree(config: dict[str, Any], depth: int, in_metadata: bool) -> dict[str, Any]:
    """``fields_v1_of`` at ``depth`` (the length of the path ``_fields`` would be given)."""
    tree: dict[str, Any] = {}
    for key, value in config.items():
        if (depth == 0 and key in ("apiVersion", "kind")) or (depth <= 1 and key in SERVER_FIELDS):
            continue
        if in_metadata and key in ("name", "namespace"):
            continue  # they name the object; nobody owns them
        if isinstance(value, dict) and value:
            tree[f"f:{key}"] = _tree(value, depth + 1, depth == 0 and key == "metadata")
            continue
        merge_key = _merge_key(key, value)
        if merge_key:
            items: dict[str, Any] = {}
            for item in value:
                name = _item_name(merge_key, item.get(merge_key))
                items[name] = {ITEM: {}, **_tree(item, depth + 2, False)}
            tree[f"f:{key}"] = items
        else:
            tree[f"f:{key}"] = {}
    return tree


def fields_tree(config: dict[str, Any]) -> dict[str, Any]:
    """``to_fields_v1(field_set(config))`` built in one walk: the same tree, keys in the same (sorted)
    order, without the set of path tuples (a create's managedFields: 10,000 of them in a big apply).
    Fields are visited in sorted order, so the tree comes out sorted, unless list items share a key
    (they merge, as field_set's paths do): it is sorted afterwards then. A plain body (``plain_tree``)
    takes the strict walk."""
    plain = plain_tree(config)
    return plain if plain is not None else _general_tree(config)


def _general_tree(config: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    try:
        in_order = _grow(tree, config, 0, False)
    except TypeError:  # keys that do not sort together (not all strings): sort the tree as built
        tree, in_order = {}, False
        _grow(tree, config, 0, False, ordered=False)
    return tree if in_order else _sorted(tree)


def _grow(
    node: dict[str, Any], config: dict[str, Any], depth: int, metadata: bool, *, ordered: bool = True
) -> bool:
    """``_fields`` inlined: ``depth`` is the length of the path so far, ``metadata`` whether it is
    ``f:metadata`` itself. Whether ``node`` came out in sorted order."""
    in_order = True
    for key, value in sorted(config.items()) if ordered else config.items():
        if (depth == 0 and key in ("apiVersion", "kind")) or (depth <= 1 and key in SERVER_FIELDS):
            continue
        if metadata and key in ("name", "namespace"):
            continue  # they name the object; nobody owns them
        if ordered and type(key) is not str:
            raise TypeError("keys of other types sort otherwise than their names (9 < 10, 'f:10' < 'f:9')")
        name = _field_name(key)
        if isinstance(value, dict) and value:
            child = node.get(name)
            inside = depth == 0 and key == "metadata"
            if child is None:  # a map none of whose fields can be owned (``metadata: {name}``) is no field
                child = {}
                in_order &= _grow(child, value, depth + 1, inside, ordered=ordered)
                if child:
                    node[name] = child
            else:
                in_order &= _grow(child, value, depth + 1, inside, ordered=ordered)
        elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            merge_key = list_key(key, value)
            items = node.setdefault(name, {})
            if merge_key is None:
                continue
            named = [(_item((), merge_key, item)[0], item) for item in value]
            if ordered:
                named.sort(key=lambda pair: pair[0])
            in_order &= len({n for n, _ in named}) == len(named)
            for item_name, item in named:  # items with the same key merge, as field_set's paths do
                sub = items.setdefault(item_name, {})
                sub.setdefault(ITEM, {})
                in_order &= _grow(sub, item, depth + 2, False, ordered=ordered)
        else:
            node.setdefault(name, {})
    return in_order and ordered


@functools.lru_cache(maxsize=8192, typed=True)  # typed: a key True is not the key 1
def _field_name(key: str) -> str:
    return f"f:{key}"


class _NotPlain(Exception):
    """What ``plain_tree`` leaves to the general walks: see there."""


def plain_tree(config: dict[str, Any]) -> dict[str, Any] | None:
    """``fields_tree(config)`` for a plain ``config``, in one strict walk; None for any other.

    Plain: what ``copies_plainly`` accepts of ``config`` without its ``status`` (no nulls, no
    directives, no repeated merge keys, only dicts, lists, str, int, float and bool of those exact
    types), every key a string, no two items of a keyed list with the same name, no list of dicts
    Such a body is what nearly every create writes (manifests as
    loaded, the controllers' bodies): one walk then both builds its tree and tells the apply of a
    create that a copy stands for the merge (``applying.created_applied``)."""
    try:
        return _plain_top(config)
    except (_NotPlain, NeedsMerge, TypeError):  # TypeError: keys that do not sort, unhashable keys
        return None


def _plain_top(config: dict[str, Any]) -> dict[str, Any]:
    """The top two levels, with their rules (``_grow``'s ``depth`` 0 and 1); below, ``_plain``."""
    tree: dict[str, Any] = {}
    for key in sorted(config):
        value = config[key]
        if key == "status":
            continue  # neither owned nor part of what an apply copies
        if key in ("apiVersion", "kind") or key in SERVER_FIELDS:
            _check_plain(value, key)
        elif type(value) is dict and value:
            name = _field_name(_str(key))  # checked even when no field of it can be owned
            child = _plain_second(value, key == "metadata")
            if child:  # a map none of whose fields can be owned (``metadata: {name}``) is no field
                tree[name] = child
        else:
            _plain_field(tree, key, value)
    return tree


def plain_map_tree(config: dict[str, Any]) -> dict[str, Any] | None:
    """``to_fields_v1(field_set(config, ("f:status",)))["f:status"]`` (``{}`` for no field) for a plain
    ``config`` (as ``plain_tree`` means it), in one strict walk: the fields of a top-level map other
    than metadata (a status), without the set of path tuples; None for any other ``config``."""
    try:
        return _plain_second(config, False)
    except (_NotPlain, NeedsMerge, TypeError):  # TypeError: keys that do not sort, unhashable keys
        return None


def owns_any_of_tree(tree: dict[str, Any], fields: dict[str, Any]) -> bool:
    """``owns_any(tree, from_fields_v1(fields))`` without the paths: whether a leaf of the ``fieldsV1``
    ``fields`` is a field (an empty node) of ``tree``."""
    for part, below in fields.items():
        node = tree.get(part)
        if not isinstance(node, dict):
            continue
        if not below:
            if not node:
                return True
        elif node and isinstance(below, dict) and owns_any_of_tree(node, below):
            return True
    return False


def _plain_second(config: dict[str, Any], metadata: bool) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key in sorted(config):
        value = config[key]
        if key in SERVER_FIELDS or (metadata and key in ("name", "namespace")):
            _check_plain(value, key)
        else:
            _plain_field(tree, key, value)
    return tree


def _plain_field(tree: dict[str, Any], key: str, value: Any) -> None:
    """One field below the top two levels' rules, into ``tree``."""
    name = _PLAIN_NAMES.get(key)
    if name is None or type(key) is not str:
        name = _plain_name(key)
    kind = type(value)
    if kind is dict:
        tree[name] = _plain(value) if value else {}
    elif kind is list:
        tree[name] = _plain_list(key, value) if value else {}
    elif kind in SCALARS:
        tree[name] = {}
    else:
        raise _NotPlain


#: ``f:KEY`` of each plain key met (a str not starting with ``$``): the same few hundred keys come
#: back in every object, and one lookup both vouches for a key and names its field
_PLAIN_NAMES: dict[str, str] = {}
#: past this many keys (objects with generated keys: labels, annotations, data) no more are kept
_MAX_PLAIN_NAMES = 50_000


def _plain_name(key: Any) -> str:
    """``f:KEY`` for a plain ``key``, else ``_NotPlain``."""
    if type(key) is not str or key[:1] == "$":
        raise _NotPlain
    name = f"f:{key}"
    if len(_PLAIN_NAMES) < _MAX_PLAIN_NAMES:
        _PLAIN_NAMES[key] = name
    return name


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    """``_grow`` below the top two levels, where no field is left out: the hot loop, inlined."""
    tree: dict[str, Any] = {}
    keys = tuple(config)
    order = _PLAIN_ORDERS.get(keys)
    if order is None:
        order = _plain_order(keys)
    for index, name in order:
        key = keys[index]
        if type(key) is not str:  # a str subclass equal to a known key: not plain (``_plain_name``)
            raise _NotPlain
        value = config[key]
        kind = type(value)
        if kind in SCALARS:
            tree[name] = {}
        elif kind is dict:
            tree[name] = _plain(value) if value else {}
        elif kind is list:
            tree[name] = _plain_list(key, value) if value else {}
        else:
            raise _NotPlain
    return tree


#: per tuple of keys (a map's, in its order) met in plain walks: where each key is in that tuple and
#: its field's name, in the keys' sorted order. Maps of the same keys in the same order come back in
#: every object (a container's, a probe's): one lookup stands for sorting them and naming each
_PLAIN_ORDERS: dict[tuple[Any, ...], tuple[tuple[int, str], ...]] = {}
#: past this many (objects whose maps have generated keys: labels, annotations, data) none is kept
_MAX_PLAIN_ORDERS = 20_000


def _plain_order(keys: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    """``_PLAIN_ORDERS``' entry for ``keys`` (a key that is not plain raises ``_NotPlain``, keys that
    do not sort TypeError)."""
    ranked = sorted(range(len(keys)), key=keys.__getitem__)
    order = tuple((index, _plain_name(keys[index])) for index in ranked)
    if len(_PLAIN_ORDERS) < _MAX_PLAIN_ORDERS:
        _PLAIN_ORDERS[keys] = order
    return order


def _plain_list(field: str, items: list[Any]) -> dict[str, Any]:
    """A non-empty list: its items by name when it is keyed, else a leaf whose items are checked."""
    if len(items) == 1 and type(items[0]) is dict:  # the common one-item list (a pod's containers)
        merge_key = list_key(field, items)
        if merge_key is not None:
            value = items[0].get(merge_key)
            hash(value)  # TypeError, as the set of several items' values raises it
            return {_item_name(merge_key, value): {ITEM: {}, **_plain(items[0])}}
    merge_key = list_key(field, items) if all(type(i) is dict for i in items) else None
    if merge_key is None:  # (the primitive merged lists, ``finalizers``, have no merge key)
        _check_plain(items, field)
        return {}
    values = [i.get(merge_key) for i in items]
    if len(set(values)) != len(values):
        raise _NotPlain  # items with the same key merge into one
    named = sorted(zip([_item_name(merge_key, v) for v in values], items, strict=True), key=_first)
    out: dict[str, Any] = {}
    for name, item in named:
        if name in out:
            raise _NotPlain
        out[name] = {ITEM: {}, **_plain(item)}
    return out


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _str(key: Any) -> str:
    if type(key) is not str or key[:1] == "$":
        raise _NotPlain
    return key


def _check_plain(value: Any, field: str) -> None:
    """A value the tree leaves out (or a leaf list) is still copied: ``copies_plainly``'s check."""
    _str(field)
    if value is None:
        raise _NotPlain
    if type(value) not in SCALARS:
        check_plain_copy(value, field)


def _sorted(tree: dict[str, Any]) -> dict[str, Any]:
    return {key: _sorted(tree[key]) if tree[key] else {} for key in sorted(tree)}


def _item_name(merge_key: str, value: Any) -> str:
    """``k:{"name":"web"}``, the name of a keyed list item. The same few keys come back in every
    object: names with a str or int value are cached (``True`` and ``1`` never meet: typed cache)."""
    if type(value) is str or type(value) is int:
        return _cached_item_name(merge_key, value)
    return f"k:{json.dumps({merge_key: value}, separators=(',', ':'))}"


@functools.lru_cache(maxsize=8192, typed=True)
def _cached_item_name(merge_key: str, value: str | int) -> str:
    """Written directly where ``json.dumps`` would write the text unchanged (printable ASCII without
    quotes or backslashes; integers)."""
    if _verbatim(merge_key):
        if type(value) is str and _verbatim(value):
            return f'k:{{"{merge_key}":"{value}"}}'
        if type(value) is int:
            return f'k:{{"{merge_key}":{value}}}'
    return f"k:{json.dumps({merge_key: value}, separators=(',', ':'))}"


def _verbatim(text: str) -> bool:
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def changed_fields(
    old: dict[str, Any], new: dict[str, Any], prefix: Path = ()
) -> tuple[set[Path], set[Path]]:
    """(the fields of ``new`` that ``old`` lacks or has with another value, the fields of ``old`` that
    ``new`` lacks), as ``field_set`` names them; subtrees that are equal are not walked (a status
    write does not walk the pod's spec). A list item itself (``.``) changes only by appearing."""
    changed: set[Path] = set()
    removed: set[Path] = set()
    olds = {key: (path, value) for key, path, value in _fields(old, prefix)}
    for key, path, value in _fields(new, prefix):
        if key not in olds:
            changed |= field_set({key: value}, prefix)
            continue
        before = olds.pop(key)[1]
        if before == value:
            continue
        merge_key = _merge_key(key, value)
        if isinstance(value, dict) and value and isinstance(before, dict) and before:
            more, fewer = changed_fields(before, value, path)
        elif merge_key and _merge_key(key, before) == merge_key:
            more, fewer = _changed_items(before, value, path, merge_key)
        else:
            more, fewer = _changed_leaves({key: before}, {key: value}, prefix)
        changed |= more
        removed |= fewer
    for key, (_, value) in olds.items():
        removed |= field_set({key: value}, prefix)
    return changed, removed


def _changed_leaves(old: dict[str, Any], new: dict[str, Any], prefix: Path) -> tuple[set[Path], set[Path]]:
    """``changed_fields`` by comparing every field (a value changed its shape: a map became a leaf)."""
    after, before = field_set(new, prefix), field_set(old, prefix)
    cut = len(prefix)
    same = {p for p in after & before if p[-1] == ITEM or value_at(old, p[cut:]) == value_at(new, p[cut:])}
    return after - before - same | (after & before) - same, before - after


def _changed_items(
    old: list[dict[str, Any]], new: list[dict[str, Any]], path: Path, merge_key: str
) -> tuple[set[Path], set[Path]]:
    changed: set[Path] = set()
    removed: set[Path] = set()
    olds = {_item(path, merge_key, i): i for i in old}
    for item in new:
        item_path = _item(path, merge_key, item)
        before = olds.pop(item_path, None)
        if before is None:
            changed |= {(*item_path, ITEM), *field_set(item, item_path)}
        elif before != item:
            more, fewer = changed_fields(before, item, item_path)
            changed |= more
            removed |= fewer
    for item_path, item in olds.items():
        removed |= {(*item_path, ITEM), *field_set(item, item_path)}
    return changed, removed


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path in sorted(paths):
        node = root
        for part in path:
            node = node.setdefault(part, {})
    return root


def owns_any(tree: dict[str, Any], paths: set[Path]) -> bool:
    """Whether the ``fieldsV1`` ``tree`` has any of ``paths`` as a field (without reading it all)."""
    for path in paths:
        node: Any = tree
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        else:
            if node == {}:
                return True
    return False


def from_fields_v1(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    found: set[Path] = set()
    for key, child in tree.items():
        path = (*prefix, key)
        if isinstance(child, dict) and child:
            found |= from_fields_v1(child, path)
        else:
            found.add(path)
    return found


def _child(node: Any, part: str) -> tuple[bool, Any]:
    if part.startswith("f:") and isinstance(node, dict):
        name = part[2:]
        return name in node, node.get(name)
    if part.startswith("k:") and isinstance(node, list):
        wanted = json.loads(part[2:])
        for item in node:
            if isinstance(item, dict) and all(item.get(k) == v for k, v in wanted.items()):
                return True, item
    return False, None


def value_at(obj: Any, path: Path) -> tuple[bool, Any]:
    node = obj
    for part in path:
        if part == ITEM:
            return True, node
        found, node = _child(node, part)
        if not found:
            return False, None
    return True, node


def remove(obj: Any, path: Path, keep: frozenset[Path] | set[Path] = frozenset()) -> None:
    """Remove the field (or list item) at ``path`` from ``obj``, if it is there; a list or map it
    leaves empty goes too, unless ``keep`` names it (an applied ``env: []`` stays)."""
    if path and path[-1] == ITEM:
        path = path[:-1]
    found, parent = value_at(obj, path[:-1])
    last = path[-1]
    if not found:
        return
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        exists, item = _child(parent, last)
        if exists:
            parent.remove(item)
    else:
        return
    up = path[:-1]
    if up and up[-1].startswith("f:") and up not in keep and _omitted_when_empty(parent, up[-1][2:]):
        remove(obj, up, keep)  # as Go's omitempty: a list or map left empty is not written


#: maps (Go ``map[string]string`` with omitempty), as opposed to structs: empty, they are not written
_MAPS = frozenset(
    {
        "labels",
        "annotations",
        "nodeSelector",
        "matchLabels",
        "selector",
        "data",
        "binaryData",
        "requests",
        "limits",
    }
)


def _omitted_when_empty(node: Any, field: str) -> bool:
    if isinstance(node, list):
        return not node
    return isinstance(node, dict) and not node and field in _MAPS


def dotted(path: Path) -> str:
    """A field path as kube's conflict messages print it: ``.spec.containers[name="web"].image``."""
    parts = []
    for part in path:
        if part.startswith("f:"):
            parts.append("." + part[2:])
        elif part.startswith("k:"):
            key = json.loads(part[2:])
            parts.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
    return "".join(parts)
