"""The typer application: global options, and every command registered explicitly, one module each.

Command modules are imported only when their command runs (see lazy.py): ``manikit validate`` must
not pay for the control plane, numpy or the lint rules at start-up.
"""

# No `from __future__ import annotations`: typer would evaluate every parameter's annotation from its
# string at each start (start-up time, issue 17).
import sys

import typer
from typer.core import TyperArgument

from manikit.cli.lazy import LazyCommand, LazyGroup
from manikit.cli.params import take_plain_values

# typer prints an argument's Python type beside its name (`PATH <list[str]>`); the metavar says it all.
TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]
# values that already have their type are taken without building pydantic adapters (params.py)
take_plain_values()


def _cmd(module: str, help: str, *more: str) -> LazyCommand:
    return LazyCommand((f"manikit.cli.{module}", *(f"manikit.cli.{m}" for m in more)), help)


# The command registry: one module per command, registered here and nowhere else, in --help's order.
# ``help`` is what --help lists without importing the module (tests/cli/test_startup.py keeps it true).
COMMANDS: dict[str, LazyCommand] = {
    "validate": _cmd(
        "validate_cmd", "Validate manifests: YAML, apiVersion/kind, every field and value, duplicate objects."
    ),
    "schema": _cmd(
        "schema_cmd",
        "Write JSON Schemas for each kind and for any manifest (for editors and jsonschema).",
    ),
    "lint": _cmd(
        "lint_cmd", "Lint manifests: validation plus resource, metadata and security rules, with fixes."
    ),
    "plan": _cmd(
        "plan_cmd", "Show what `manikit apply` would change in the control plane, like `terraform plan`."
    ),
    "apply": _cmd(
        "apply_cmd", "Apply manifests (or a saved plan) to the local control plane, then reconcile."
    ),
    "render": _cmd(
        "render_cmd",
        "Print the manifests as validate, lint, plan and apply read them: *.j2 files rendered.",
    ),
    "get": _cmd(
        "get_cmd",
        "Display objects of the local control plane as kubectl does; -w: run the cluster and print changes.",
    ),
    "describe": _cmd("describe_cmd", "Show one or more objects in detail, with their events."),
    "delete": _cmd(
        "delete_cmd", "Delete objects; their ReplicaSets and pods go too unless --cascade=orphan."
    ),
    "scale": _cmd("scale_cmd", "Set the replicas of a Deployment or ReplicaSet."),
    "events": _cmd(
        "events_cmd",
        "List events (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE); -w: run the cluster and print new ones.",
    ),
    "advance": _cmd(
        "advance_cmd",
        "Run the cluster for DURATION of simulated time (image pulls, probes, back-offs, evictions).",
    ),
    "patch": _cmd("patch_cmd", "Update fields of an object with a JSON merge patch."),
    "serve": _cmd(
        "serve_cmd",
        "Serve the control plane as a Kubernetes API server; controllers reconcile in the background.",
    ),
    "rules": _cmd("rules_cmd", "List lint rules (code, name, default level, enabled) and explain one."),
    "rollout": _cmd("rollout_cmd", "Manage the rollout of a deployment."),
    # node_ops_cmd adds cordon, drain, ... to the nodes group when imported
    "nodes": _cmd("nodes_cmd", "Manage the nodes of the local cluster.", "node_ops_cmd"),
    "state": _cmd("state_cmd", "Check, back up and restore the state file, and break a stale lock."),
    "top": _cmd("top_cmd", "Show what the pods reserve on each node, as bars."),
}


class ManikitGroup(LazyGroup):
    LAZY = COMMANDS


app = typer.Typer(
    name="manikit",
    cls=ManikitGroup,
    help="Validate, lint, plan and apply Kubernetes-style manifests against a local control plane.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from manikit import __version__

        typer.echo(f"manikit {__version__}")
        raise typer.Exit(0)


# The same option as cli.state.STATE_OPTION (a test keeps the two alike), declared here so that
# parsing it does not import the control plane.
ROOT_STATE_OPTION = typer.Option(
    None,
    "--state",
    metavar="PATH|URL",
    help="The state: a file (default: the nearest .manikit/state.db here or in a parent directory), "
    "etcd://host:port[,host:port...]/prefix for a shared etcd cluster, or the https://host:port of an "
    "API server a kubeconfig names (a running `manikit serve`); env MANIKIT_STATE.",
    show_default=False,
)
# The same options as cli.state.CONTEXT_OPTION and KUBECONFIG_OPTION (a test keeps them alike).
ROOT_CONTEXT_OPTION = typer.Option(
    None,
    "--context",
    metavar="NAME",
    help="Work on the Kubernetes API server of this kubeconfig context instead of the local state, as "
    "kubectl's --context (the files: --kubeconfig, else KUBECONFIG, else ~/.kube/config).",
    show_default=False,
)
ROOT_KUBECONFIG_OPTION = typer.Option(
    None,
    "--kubeconfig",
    metavar="FILE",
    help="The kubeconfig to read, and no other (default: KUBECONFIG's files, else ~/.kube/config); alone, "
    "work on its current context.",
    show_default=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    state: str | None = ROOT_STATE_OPTION,
    context: str | None = ROOT_CONTEXT_OPTION,
    kubeconfig: str | None = ROOT_KUBECONFIG_OPTION,
) -> None:
    """manikit: manifests in git, checked, planned and applied."""
    # `manikit --state X get pods`, as kubectl takes --kubeconfig anywhere; an earlier in-process run's
    # value (tests) is cleared, and cli.state is imported only when there is something to set.
    given = state is not None or context is not None or kubeconfig is not None
    if given or "manikit.cli.state" in sys.modules:
        from manikit.cli.state import set_global_state

        set_global_state(state, context, kubeconfig)
