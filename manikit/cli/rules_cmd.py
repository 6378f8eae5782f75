"""``manikit rules``: every check lint runs, with its level and whether it is on; ``rules explain``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from manikit.catalogue import is_server_error
from manikit.cli.common import TextOrJson
from manikit.cli.lint_cmd import CONFIG_OPTION, current_config
from manikit.errors import UserError
from manikit.lint.registry import find_check, sorted_checks

rules_app = typer.Typer(
    help="List lint rules (code, name, default level, enabled) and explain one.\n\n"
    "Examples: manikit rules -o json; manikit rules explain MK102",
    no_args_is_help=False,
    rich_markup_mode=None,
)


@rules_app.callback(invoke_without_command=True)
def rules(
    ctx: typer.Context,
    output_format: TextOrJson = typer.Option(
        TextOrJson.text, "--output", "-o", "--format", metavar="FORMAT", help="text or json."
    ),
    config_file: Path | None = CONFIG_OPTION,
) -> None:
    """List every rule: code, name, default level, and whether it is enabled (with the config).

    Example: manikit rules -o json
    """
    if ctx.invoked_subcommand is not None:
        return
    config = current_config(config_file)
    enabled = config.enabled()
    rows = []
    for rule in sorted_checks():
        default = str(rule.default_level) if rule.default_level is not None else "off"
        if rule.builtin:
            state = "always"
        else:
            level = enabled.get(rule.code)
            state = f"yes ({level})" if level is not None else "no"
        rows.append(
            {
                "code": rule.code,
                "name": rule.name,
                "default": default,
                "enabled": state,
                "summary": rule.summary,
            }
        )
    if output_format is TextOrJson.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r["name"]) for r in rows)
    typer.echo(f"{'CODE':<6} {'NAME':<{width}} {'DEFAULT':<8} {'ENABLED':<14} SUMMARY")
    for r in rows:
        typer.echo(f"{r['code']:<6} {r['name']:<{width}} {r['default']:<8} {r['enabled']:<14} {r['summary']}")


@rules_app.command("explain")
def explain(
    rule: str = typer.Argument(..., help="A rule code (MK102) or name (limit-below-request)."),
) -> None:
    """Print a rule's documentation: what it flags, why it matters, an example and the fix.

    Example: manikit rules explain limit-below-request
    """
    found = find_check(rule)
    if found is None:
        raise UserError(f"unknown rule {rule!r}; `manikit rules` lists them")
    default = str(found.default_level) if found.default_level is not None else "off"
    if is_server_error(found.code):
        scope = "an error of the Kubernetes API server: validation check, always on"
    elif found.builtin:
        scope = (
            "template check, always on" if found.code.startswith("MK02") else "validation check, always on"
        )
    else:
        scope = f"default level: {default}"
    typer.echo(f"{found.code} {found.name} ({scope})\n")
    typer.echo(found.doc)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
