"""Commands loaded on demand: ``manikit validate`` imports the validate command and nothing of the
control plane, ``manikit --help`` imports no command at all.

Each command module keeps its ``register(app)``; the registry in app.py names the module and the line
``--help`` shows (a test checks that line against the command's own docstring), and the module is
imported the first time its command is looked up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup

try:  # typer >= 0.20 carries its own copy of click
    from typer._click import Command, Context, HelpFormatter
    from typer._click.utils import make_default_short_help
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import Command, Context, HelpFormatter  # type: ignore[assignment]
    from click.utils import make_default_short_help  # type: ignore[no-redef]


class LazyCommand(NamedTuple):
    """Where a command lives and what ``manikit --help`` says of it without importing it (a named
    tuple: every command pays for this class, and a frozen dataclass costs six times more to make)."""

    modules: tuple[str, ...]  # imported in order; each module's ``register(app)`` is called
    help: str  # the first paragraph of the command's docstring (tests/cli/test_startup.py checks it)


class LazyCommands(MutableMapping[str, Command]):
    """The group's commands by name: every registered name is listed, each loaded when first read."""

    def __init__(self, loaded: MutableMapping[str, Command], lazy: Mapping[str, LazyCommand]) -> None:
        self._loaded = dict(loaded)
        self._lazy = lazy

    def is_loaded(self, name: str) -> bool:
        return name in self._loaded

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            if name not in self._lazy:
                raise KeyError(name)
            self._loaded[name] = load_command(name, self._lazy[name])
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self._lazy if name not in self._loaded)

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._lazy))


def load_command(name: str, entry: LazyCommand) -> Command:
    """Import the command's modules and build its click command as typer would have at start-up."""
    holder = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    for module in entry.modules:
        importlib.import_module(module).register(holder)
    commands = typer.main.get_group(holder).commands
    if name not in commands:
        raise LookupError(f"{entry.modules[0]}.register() added no command {name!r}")  # a wiring bug
    return commands[name]


class LazyGroup(TyperGroup):
    """A TyperGroup whose subcommands come from ``LAZY`` (set by a subclass), loaded on demand."""

    LAZY: Mapping[str, LazyCommand] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands, self.LAZY)

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # names only: TyperGroup's version would load every command

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The commands section of ``--help``, from the registry for commands not loaded yet."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        commands = self.commands
        for name in names:
            if isinstance(commands, LazyCommands) and not commands.is_loaded(name):
                rows.append((name, make_default_short_help(self.LAZY[name].help, limit)))
                continue
            command = commands[name]
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
