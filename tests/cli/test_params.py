"""Command-line values taken without pydantic adapters (cli/params.py): the same values and the same
errors as typer's own conversion, for every value it takes and every value it hands on."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import manikit.cli.app  # noqa: F401  (installs the plain conversion)
from manikit.cli.params import PlainValues, build_runtime_param

pytestmark = pytest.mark.skipif(build_runtime_param is None, reason="typer without runtime conversion")


class Color(StrEnum):
    red = "red"
    blue = "blue"


def _probe_app() -> typer.Typer:
    """A command with one parameter of each kind manikit's commands declare."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)

    @app.command()
    def probe(
        paths: list[str] | None = typer.Argument(None),
        name: str = typer.Option("default", "--name"),
        maybe: str | None = typer.Option(None, "--maybe"),
        many: list[str] | None = typer.Option(None, "--many"),
        color: Color = typer.Option(Color.red, "--color"),
        jobs: int | None = typer.Option(None, "--jobs", min=1),
        count: int = typer.Option(3, "--count"),
        ratio: float = typer.Option(0.5, "--ratio"),
        where: Path | None = typer.Option(None, "--where"),
        flag: bool = typer.Option(False, "--flag"),
    ) -> None:
        values = (paths, name, maybe, many, color, jobs, count, ratio, where, flag)
        typer.echo(repr(values))

    @app.command()
    def other() -> None:  # a second command, so that `probe` is a subcommand
        pass

    return app


ARGS = [
    pytest.param([], id="defaults"),
    pytest.param(["a.yaml", "b.yaml"], id="paths"),
    pytest.param(["--name", "web", "--maybe", "x"], id="strings"),
    pytest.param(["--many", "a", "--many", "b"], id="list-of-strings"),
    pytest.param(["--color", "blue"], id="enum-by-name"),
    pytest.param(["--color", "BLUE"], id="enum-wrong-case"),
    pytest.param(["--color", "green"], id="enum-unknown"),
    pytest.param(["--jobs", "2"], id="int-within-bounds"),
    pytest.param(["--jobs", "0"], id="int-below-min"),
    pytest.param(["--jobs", "x"], id="int-not-a-number"),
    pytest.param(["--count", "-4"], id="int-negative"),
    pytest.param(["--ratio", "1e3"], id="float"),
    pytest.param(["--where", "some/dir"], id="path"),
    pytest.param(["--flag"], id="flag"),
]


def _run(args: list[str], plain: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    if not plain:  # typer's own conversion, as without manikit
        monkeypatch.setattr(PlainValues, "coerce", _typer_coerce)
    done = CliRunner().invoke(_probe_app(), ["probe", *args])
    return done.exit_code, done.output


def _typer_coerce(self: PlainValues, value: Any, param: Any, ctx: Any) -> Any:
    return build_runtime_param(self._descriptor).coerce(value, param=param, ctx=ctx)  # type: ignore[misc]


@pytest.mark.parametrize("args", ARGS)
def test_values_and_errors_are_typers_own(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = _run(args, plain=False, monkeypatch=monkeypatch)
    monkeypatch.undo()
    ours = _run(args, plain=True, monkeypatch=monkeypatch)
    assert ours == theirs
    assert ("Error" in ours[1]) == (ours[0] != 0)  # the table holds both passes and failures


class _Param:
    def __init__(self, multiple: bool = False) -> None:
        self.multiple, self.nargs = multiple, 1


def _descriptor(annotation: Any, **info: Any) -> Any:
    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    return resolve_type_descriptor(annotation, OptionInfo(**info))


@pytest.mark.parametrize(
    ("annotation", "info", "value", "multiple"),
    [
        pytest.param(str, {}, "web", False, id="str"),
        pytest.param(str, {}, None, False, id="absent"),
        pytest.param(list[str], {}, ("a", "b"), True, id="strings"),
        pytest.param(list[str], {}, None, True, id="absent-list"),
        pytest.param(Color, {}, Color.blue, False, id="member"),
        pytest.param(int, {"min": 1}, 5, False, id="int-in-bounds"),
    ],
)
def test_plain_values_build_no_adapter(
    annotation: Any, info: dict[str, Any], value: Any, multiple: bool
) -> None:
    plain = PlainValues(_descriptor(annotation, **info))
    expected = build_runtime_param(_descriptor(annotation, **info)).coerce(  # type: ignore[misc]
        value, param=_Param(multiple), ctx=None
    )
    assert plain.coerce(value, _Param(multiple), None) == expected
    assert plain._typer is None  # taken as it is: typer's conversion was never built


@pytest.mark.parametrize(
    ("annotation", "info", "value"),
    [
        pytest.param(int, {"min": 1}, 0, id="int-out-of-bounds"),
        pytest.param(int, {}, "7", id="int-from-text"),
        pytest.param(str, {}, b"bytes", id="bytes-for-str"),
        pytest.param(str, {"parser": str.upper}, "x", id="custom-parser"),
        pytest.param(float, {}, 1.5, id="float"),
    ],
)
def test_other_values_go_to_typers_conversion(annotation: Any, info: dict[str, Any], value: Any) -> None:
    plain = PlainValues(_descriptor(annotation, **info))
    try:
        got: Any = plain.coerce(value, _Param(), None)
    except Exception as exc:  # typer's own error, raised through
        got = type(exc)
    assert plain._typer is not None
    try:
        expected: Any = build_runtime_param(_descriptor(annotation, **info)).coerce(  # type: ignore[misc]
            value, param=_Param(), ctx=None
        )
    except Exception as exc:
        expected = type(exc)
    assert got == expected
