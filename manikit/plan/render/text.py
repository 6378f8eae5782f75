"""The plan as terraform shows one: objects in apply order, field lines with old -> new, a summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring_ascii
from typing import Any, NamedTuple

from manikit.plan.actions import Action, Plan, ResourceChange
from manikit.plan.diff import FieldChange
from manikit.plan.normalize import comparable
from manikit.plan.render.bars import FREE, LIMIT, REQUEST, full_nodes, text_lines
from manikit.plan.render.pending import group_pending, pods

NO_CHANGES = "No changes. Your manifests match the recorded state."
_VERB = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be destroyed",
}
_STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.REPLACE: "magenta", Action.DELETE: "red"}


class Line(NamedTuple):  # a tuple: a plan of 10,000 created objects is half a million lines
    text: str
    style: str = ""


DEFAULTED = "# (server default)"
ADOPTS = "# manikit becomes the field manager of the manifest's fields (server-side apply)"
NOT_ATOMIC = (
    "Note: this cluster applies changes one by one, not as one transaction: apply stops at the first "
    "refusal and says what was applied; running it again converges."
)


def render_text(plan: Plan) -> list[Line]:
    return list(text_lines_of(plan))


def text_lines_of(plan: Plan) -> Iterator[Line]:
    """``render_text``'s lines one by one: a plan printed as they come holds none of them (a plan of
    10,000 created objects is half a million lines)."""
    for block in text_blocks_of(plan):
        yield from block


def text_blocks_of(plan: Plan) -> Iterator[list[Line]]:
    """``text_lines_of``'s lines a block at a time (each object's lines one list): what a printer of
    plain text takes, without resuming a generator for every line."""
    if plan.empty and not plan.refusals:
        yield [Line(NO_CHANGES, "green")]
    elif plan.empty:
        yield [Line(plan.summary(), "bold")]
    else:
        head = [Line(plan.summary(), "bold")]  # the headline first: a big plan is read from the top
        if not plan.atomic:
            head.append(Line(NOT_ATOMIC, "yellow"))
        head.append(Line("manikit will perform the following actions:"))
        yield head
        for change in plan.changes:
            yield _resource(change)
        yield [Line(""), Line(plan.summary(), "bold")]
    yield list(_refusals(plan))
    if plan.preview is not None:
        yield list(_preview(plan))


def _resource(change: ResourceChange) -> list[Line]:
    """A changed object's lines, after the blank line that parts it from the one before."""
    style = _STYLE[change.action]
    source = f"  ({change.source})" if change.source else ""
    lines = [
        Line(""),
        Line(f"  # {change.key} {_VERB[change.action]}{source}", "dim"),
        Line(f"{change.action.symbol:>3} {change.key}", style),
    ]
    for taken in change.takes:
        lines.append(Line(f"      ! takes {taken} (--force-conflicts)", "magenta"))
    if change.action is Action.CREATE:
        _created(change, lines)
        for path in change.known_after_apply:
            lines.append(Line(f"      + {path}: (known after apply)", "green"))
        return lines
    if change.action is Action.DELETE:
        lines.append(Line(f"        # ({change.unchanged_fields} fields destroyed)", "dim"))
        return lines
    if change.adopts:
        lines.append(Line(f"      {ADOPTS}", "dim"))
    lines.extend(_field(field) for field in change.changes)
    if change.unchanged_fields:
        lines.append(Line(f"        # ({change.unchanged_fields} unchanged fields hidden)", "dim"))
    return lines


def _refusals(plan: Plan) -> Iterator[Line]:
    """What the cluster would refuse, in its own words (kubectl's), and the way out."""
    for refusal in plan.refusals:
        source = f"  ({refusal.source})" if refusal.source else ""
        yield Line("")
        yield Line(f"Error: {refusal.key} would be refused{source}", "bold red")
        for text in refusal.message.splitlines():
            yield Line(f"  {text}", "red")
        if refusal.hint:
            yield Line(f"  {refusal.hint}")


def _field(change: FieldChange) -> Line:
    note = " # forces replacement" if change.forces_replacement else ""
    if change.kind == "add":
        return Line(f"      + {change.path}: {_show(change.after)}{note}", "green")
    if change.kind == "remove":
        return Line(f"      - {change.path}: {_show(change.before)}{note}", "red")
    if change.kind == "reorder":
        return Line(
            f"      ~ {change.path}: reordered {_show(change.before)} -> {_show(change.after)}{note}",
            "yellow",
        )
    return Line(f"      ~ {change.path}: {_show(change.before)} -> {_show(change.after)}{note}", "yellow")


def _created(change: ResourceChange, lines: list[Line]) -> None:
    """A created object's lines added to ``lines``: each leaf of what it will be (``_leaves``'s paths,
    in document order), those its manifest does not say marked as the server's defaults."""
    mine: set[str] | None = None
    if change.manifest:
        mine = {"apiVersion", "kind"}  # always the manifest's
        _paths(comparable(change.manifest), "", mine)
    _created_lines(change.after or {}, "", mine, lines)


_new_line = tuple.__new__  # ``_new_line(Line, (text, style))``: a Line without its Python-level __new__


def _created_lines(node: Any, path: str, mine: set[str] | None, lines: list[Line]) -> None:
    # the walk of ``_collect``, each leaf made a line at once: a plan of 10,000 created objects
    # shows half a million of them. Plain dicts, lists and strings are told by their exact type
    # first (``isinstance`` with a tuple costs more), anything else as before.
    cls = type(node)
    if (cls is dict or (cls is not list and isinstance(node, dict))) and node:
        prefix = f"{path}." if path else ""
        for key, value in node.items():
            inner = prefix + key if type(key) is str else (f"{path}.{key}" if path else key)
            kind = type(value)
            if kind is str:
                shown = _STRING(value)
            elif kind is dict or kind is list or isinstance(value, (dict, list)):
                _created_lines(value, inner, mine, lines)
                continue
            else:
                shown = _show(value)
            if mine is None or inner in mine:
                lines.append(_new_line(Line, (f"      + {inner}: {shown}", "green")))
            else:  # what the server's defaulting adds is the server's: shown, not the manifest's
                lines.append(_new_line(Line, (f"      + {inner}: {shown} {DEFAULTED}", "dim")))
    elif _is_object_list(node, cls):
        for i, item in enumerate(node):
            label = f"[name={item['name']}]" if isinstance(item.get("name"), str) else f"[{i}]"
            _created_lines(item, f"{path}{label}", mine, lines)
    elif mine is None or path in mine:
        lines.append(_new_line(Line, (f"      + {path}: {_show(node)}", "green")))
    else:
        lines.append(_new_line(Line, (f"      + {path}: {_show(node)} {DEFAULTED}", "dim")))


def _is_object_list(node: Any, cls: type) -> bool:
    """A non-empty list of dicts (walked item by item, labelled by name or index)."""
    if cls is not list and not isinstance(node, list):
        return False
    return bool(node) and all(type(item) is dict or isinstance(item, dict) for item in node)


def _paths(node: Any, path: str, paths: set[str]) -> None:
    """The path of each leaf of ``node`` (the walk of ``_collect``) added to ``paths``."""
    cls = type(node)
    if (cls is dict or (cls is not list and isinstance(node, dict))) and node:
        prefix = f"{path}." if path else ""
        for key, value in node.items():
            inner = prefix + key if type(key) is str else (f"{path}.{key}" if path else key)
            kind = type(value)
            if kind is str:
                paths.add(inner)
            elif kind is dict or kind is list or isinstance(value, (dict, list)):
                _paths(value, inner, paths)
            else:
                paths.add(inner)
    elif _is_object_list(node, cls):
        for i, item in enumerate(node):
            label = f"[name={item['name']}]" if isinstance(item.get("name"), str) else f"[{i}]"
            _paths(item, f"{path}{label}", paths)
    else:
        paths.add(path)


_STRING = encode_basestring_ascii  # what json.dumps does with a str, without its set-up


def _show(value: Any) -> str:
    """``value`` as ``json.dumps(value, separators=(", ", ": "), default=str)`` writes it; the common
    scalars directly (a plan of 10,000 objects shows hundreds of thousands of them)."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return json.dumps(value, separators=(", ", ": "), default=str)


def _preview(plan: Plan) -> Iterator[Line]:
    preview = plan.preview
    assert preview is not None
    yield Line("")
    nodes = f"{preview.nodes:,} node{'' if preview.nodes == 1 else 's'}"
    yield Line(
        f"Scheduling preview ({pods(preview.pods)} on {nodes} after this change):",
        "bold",
    )
    for usage in preview.usage:
        share = f"{usage.requested} of {usage.allocatable} allocatable ({usage.percent}%)"
        yield Line(f"  {usage.resource:<7} requested {share}")
    if preview.nodes_after:
        yield Line(f"  Per node, before -> after ({REQUEST} requests, {LIMIT} limits, {FREE} free):")
        full = set(full_nodes(preview.nodes_after))
        for text in text_lines(preview.nodes_before, preview.nodes_after):
            yield Line(f"    {text}", "red" if text.split(" ", 1)[0] in full else "")
    if not preview.pending:
        yield Line("  every pod would be scheduled", "green")
        return
    yield Line(f"  ! {pods(len(preview.pending))} would stay Pending:", "red")
    for group in group_pending(preview.pending):
        yield Line(f"    {group.count:>5} x {group.message} ({group.names()})", "red")
