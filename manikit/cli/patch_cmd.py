"""``manikit patch KIND NAME -p JSON``: a JSON merge patch (RFC 7386), as ``kubectl patch --type
merge``: the way to take a finalizer off an object that is stuck being deleted."""

from __future__ import annotations

import json

import typer

from manikit.cli.resources import one_object, qualified
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cluster.patch import merge_patch  # RFC 7386, the same as PATCH on the served API
from manikit.cluster.retry import retry_on_conflict
from manikit.errors import UserError


def patch(
    kind: str = typer.Argument(
        ..., metavar="KIND[/NAME]", help="po, deploy, rs, svc, ns, no (any of their names), or KIND/NAME."
    ),
    name: str | None = typer.Argument(None, metavar="NAME", help="The object.", show_default=False),
    patch_text: str = typer.Option(
        ...,
        "--patch",
        "-p",
        metavar="JSON",
        help='The merge patch, e.g. {"metadata":{"finalizers":null}}.',
    ),
    namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Update fields of an object with a JSON merge patch.

    Example: manikit patch ns/shop -p '{"metadata":{"finalizers":null}}'
    """
    info, name = one_object(kind, name)
    try:
        change = json.loads(patch_text)
    except json.JSONDecodeError as exc:
        raise UserError(f"--patch is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(change, dict):
        raise UserError('--patch must be a JSON object, e.g. \'{"spec":{"replicas":3}}\'')
    with control_plane(state) as cp:
        ns = (namespace or "default") if info.namespaced else None

        def patch_it() -> bool:
            body = cp.cluster.get(info.kind, name, ns)
            patched = merge_patch(body, change)
            if patched == body:
                return False
            cp.cluster.update(patched, manager="manikit-patch")  # kubectl patch: kubectl-patch
            return True

        if not retry_on_conflict(patch_it):
            typer.echo(f"{qualified(info)}/{name} patched (no change)")
            return
        typer.echo(f"{qualified(info)}/{name} patched")
        cp.reconcile(duration(run_for))


def register(app: typer.Typer) -> None:
    app.command("patch")(patch)
