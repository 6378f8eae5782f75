"""The coloured text plan written in large writes is, byte for byte, what rich prints line by line."""

import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from rich.console import Console

from manikit.plan.render.styled import print_styled
from manikit.plan.render.text import Line, render_text
from tests.plan.test_render import sample_plan

STYLES = ["", "bold", "dim", "green", "yellow", "magenta", "red", "bold red"]
TEXTS = {
    "empty": "",
    "ascii": "      + spec.replicas: 3",
    "unicode": '      + metadata.annotations.note: "zółw 日本語 🚀 e\u0301"',
    "long": "      + data: " + "x" * 400,
    "tab": "a\tb",
    "newline": "two\nlines",
    "carriage-return": "cr\rhere",
    "control": "bell\x07 escape\x1b[31m del\x7f",
    "emoji-code": '"a:smile:b" and :thumbs_up:',
    "not-an-emoji": ":not_an_emoji: and ::",
    "colon-only": 'image: "nginx:1.25" -> "nginx:1.26"',
    "trailing-spaces": "trailing   ",
    "markup": "[bold]not markup[/bold]",
    "line-separator": "a\u2028b\x85c",
}


def _console(buffer: io.StringIO, color_system: Any) -> Console:
    """As manikit.cli.console.stdout() makes it, with the colour system pinned; narrow, so that
    long lines pass the width."""
    return Console(
        file=buffer,
        no_color=color_system is None,
        force_terminal=color_system is not None,
        highlight=False,
        soft_wrap=True,
        color_system=color_system,
        width=40,
    )


def _rich(lines: Iterable[Line], console: Console) -> None:
    for line in lines:
        console.print(line.text, style=line.style or None, markup=False, highlight=False, emoji=False)


def _printed(write: Callable[[Iterable[Line], Console], None], lines: list[Line], color_system: Any) -> str:
    buffer = io.StringIO()
    write(lines, _console(buffer, color_system))
    return buffer.getvalue()


@pytest.mark.parametrize("color_system", ["standard", "256", "truecolor", None])
def test_every_kind_of_line_in_every_style_as_rich_prints_it(color_system: Any) -> None:
    lines = [Line(text, style) for style in STYLES for text in TEXTS.values()]
    fast = _printed(print_styled, lines, color_system)
    assert fast == _printed(_rich, lines, color_system)
    assert ("\x1b[1;31mbell" in fast) is (color_system is not None)
    assert '"a:smile:b" and :thumbs_up:' in fast  # values as written: no emoji


@pytest.mark.parametrize("refused", [False, True], ids=["changes", "refusals"])
def test_the_sample_plans_as_rich_prints_them(refused: bool) -> None:
    lines = render_text(sample_plan(replace=not refused, atomic=not refused))
    fast = _printed(print_styled, lines, "256")
    assert fast == _printed(_rich, lines, "256")
    assert "\x1b[32m      + spec.ports[0].port: 80\x1b[0m\n" in fast


def test_rich_renders_each_style_once_and_only_the_lines_it_would_change() -> None:
    """The fast path is not rich per line in disguise: rich prints once per style, and the lines it
    would print otherwise than their characters."""
    lines = [Line(text, style) for style in STYLES for text in TEXTS.values()] * 50
    console = _console(io.StringIO(), "truecolor")
    calls = []
    real = console.print
    console.print = lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs)  # type: ignore[method-assign]
    print_styled(lines, console)
    odd = {"tab", "newline", "carriage-return", "control"}
    rich_lines = [args for args in calls if args[0] != "\ue000"]
    assert len(calls) - len(rich_lines) == len(STYLES)
    assert len(rich_lines) == len(odd) * len(STYLES) * 50


@pytest.mark.parametrize("refused", [False, True], ids=["changes", "refusals"])
def test_a_plain_plan_is_written_in_chunks_as_its_lines_come(
    refused: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a terminal: the text plan is written in chunks of lines as they are rendered (a big plan is
    never held whole), and reads exactly as its lines."""
    from manikit.cli import plan_support

    plan = sample_plan(replace=not refused, atomic=not refused)
    lines = render_text(plan)
    monkeypatch.setattr(plan_support, "_LINES_PER_WRITE", 3)
    writes: list[str] = []

    class Counting(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return super().write(text)

    out = Counting()
    monkeypatch.setattr("sys.stdout", out)
    plan_support.print_plan(plan, plan_support.PlanFormat.text)
    assert out.getvalue() == "".join(line.text + "\n" for line in lines)
    assert len(writes) == -(-len(lines) // 3) and all(w.count("\n") <= 3 for w in writes)
