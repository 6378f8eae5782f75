"""The typer application: global options, and every command registered explicitly, one module each."""

from __future__ import annotations

import typer
from typer.core import TyperArgument

from manikit import __version__
from manikit.cli import (
    advance_cmd,
    apply_cmd,
    delete_cmd,
    describe_cmd,
    events_cmd,
    get_cmd,
    lint_cmd,
    node_ops_cmd,
    nodes_cmd,
    patch_cmd,
    plan_cmd,
    render_cmd,
    rollout_cmd,
    rules_cmd,
    scale_cmd,
    schema_cmd,
    serve_cmd,
    state_cmd,
    top_cmd,
    validate_cmd,
)
from manikit.cli.state import STATE_OPTION, set_global_state

# typer prints an argument's Python type beside its name (`PATH <list[str]>`); the metavar says it all.
TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]

app = typer.Typer(
    name="manikit",
    help="Validate, lint, plan and apply Kubernetes-style manifests against a local control plane.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"manikit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    state: str | None = STATE_OPTION,
) -> None:
    """manikit: manifests in git, checked, planned and applied."""
    set_global_state(state)  # `manikit --state X get pods`, as kubectl takes --kubeconfig anywhere


# The command registry: one module per command, registered here and nowhere else.
validate_cmd.register(app)
schema_cmd.register(app)
lint_cmd.register(app)
plan_cmd.register(app)
apply_cmd.register(app)
rules_cmd.register(app)
render_cmd.register(app)
get_cmd.register(app)
describe_cmd.register(app)
delete_cmd.register(app)
scale_cmd.register(app)
rollout_cmd.register(app)
events_cmd.register(app)
nodes_cmd.register(app)
state_cmd.register(app)
advance_cmd.register(app)
node_ops_cmd.register(app)
patch_cmd.register(app)
serve_cmd.register(app)
top_cmd.register(app)
