"""kubectl's resource arguments: ``KIND [NAME...]``, ``KIND/NAME...``, ``KIND.GROUP/NAME``, ``deploy,po``;
an unknown kind gets kubectl's message and a did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import typer

from manikit.errors import UnknownKindError, UserError
from manikit.models.registry import INTERNAL_KINDS, KINDS, KindInfo, resolve_kind_name

RESOURCE_ARGUMENT = typer.Argument(
    ...,
    metavar="KIND[/NAME]",
    help="po, deploy, rs, svc, ns, no, ep (kubectl's singular, plural, short or KIND.GROUP name), "
    "or KIND/NAME (deployment.apps/web).",
)

#: What ``get all`` shows, in kubectl's order.
ALL = ("pods", "services", "deployments", "replicasets")


def resolve_kind(name: str) -> KindInfo:
    """kubectl's names for a kind (po, pods, pod, Pod, deploy, deployment.apps, deployments.apps, ...)."""
    base, _, group = name.partition(".")
    info = resolve_kind_name(base)
    if info is not None and group and group != _group(info):
        info = None
    if info is None:
        raise UnknownKindError(f'the server doesn\'t have a resource type "{name}"{_did_you_mean(base)}')
    return info


def _group(info: KindInfo) -> str:
    return info.api_version.split("/")[0] if "/" in info.api_version else ""


def qualified(info: KindInfo) -> str:
    """``deployment.apps`` / ``pod``: how kubectl names a kind in ``-o name`` and messages."""
    group = _group(info)
    return f"{info.kind.lower()}.{group}" if group else info.kind.lower()


def _did_you_mean(name: str) -> str:
    names = sorted(
        {
            n
            for info in [*KINDS.values(), *INTERNAL_KINDS.values()]
            for n in (info.kind.lower(), info.plural, *info.short_names)
        }
    )
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def kinds_of(text: str) -> list[KindInfo]:
    """``deploy,po`` and ``all`` as kinds, in order, each once."""
    infos: list[KindInfo] = []
    for part in (p for p in text.split(",") if p):
        found = [resolve_kind(k) for k in ALL] if part.lower() == "all" else [resolve_kind(part)]
        infos.extend(i for i in found if i not in infos)
    return infos


def resource_args(kind: str, names: Sequence[str] = ()) -> list[tuple[KindInfo, list[str]]]:
    """``KIND [NAME...]`` or ``KIND/NAME [KIND/NAME...]`` as (kind, names) pairs, kubectl's way: once one
    argument is KIND/NAME, all must be."""
    args = [kind, *names]
    if "/" not in kind:
        if any("/" in n for n in names):
            raise UserError(
                "there is no need to specify a resource type as a separate argument when passing "
                "arguments in resource/name form (e.g. 'manikit get deploy/web' or 'manikit get deploy web')"
            )
        return [(info, list(names)) for info in kinds_of(kind)]
    pairs: dict[str, tuple[KindInfo, list[str]]] = {}
    for arg in args:
        type_part, slash, name = arg.partition("/")
        if not slash or not name or not type_part:
            raise UserError(f'arguments in resource/name form must have a single resource and name: "{arg}"')
        info = resolve_kind(type_part)
        pairs.setdefault(info.kind, (info, []))[1].append(name)
    return list(pairs.values())


def one_object(kind: str, name: str | None) -> tuple[KindInfo, str]:
    """``KIND NAME`` or ``KIND/NAME`` for commands that act on one object (scale, rollout)."""
    if name is None:
        if "/" not in kind:
            raise UserError(f"give the object as {kind} NAME or {kind}/NAME")
        [(info, [only])] = resource_args(kind)
        return info, only
    if "/" in kind:
        raise UserError(f"give the object as KIND NAME or KIND/NAME, not both: {kind} {name}")
    return resolve_kind(kind), name
