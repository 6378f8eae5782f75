"""Hostile and mistaken templates render under limits: each blow-up is a one-line problem, in bounded
time and memory; values render as data, never as Python reprs; undefined values fail inside lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.source.reader import SourceText
from manikit.source.templates import render_source
from manikit.source.values import render_options
from tests.cli.helpers import run_cli
from tests.conftest import write

#: template -> what its problem says. Every one of these took gigabytes or ran until killed before.
HOSTILE = {
    "a: {{ 'x' * 10**10 }}": "repeating a value 10,000,000,000 times",
    "a: {{ [1] * 10**9 }}": "repeating a value 1,000,000,000 times",
    "a: {{ 10 ** 1000000 }}": "is over 4096 bits",
    "a: {{ '%999999999s' % 'x' }}": "%: the width 999,999,999 is over 100,000",
    "a: {{ '{:>999999999}'.format('x') }}": "rendering needed over 256 MiB of memory",
    "a: {{ '%s' | format('x') ~ ('%.999999999f' % 1.5) }}": "%: the width 999,999,999 is over",
    "a: {{ 'x' | indent(10**9) }}": "indent: the argument 1,000,000,000 is over 100,000",
    "a: {{ 'x' | center(10**9) }}": "center: the argument",
    "a: {{ 'x'.ljust(10**9) }}": "str.ljust: the argument",
    "a: {{ lipsum(10**7) }}": "lipsum: the argument",
    "a: {{ ('x' * 1000000) | replace('x', 'yyyyyyyyyyyy') }}": "replace would make a value",
    "a: {{ [1, 2] | batch(10**9, 'x') | list }}": "batch: the argument",
    "{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}a: 1": "characters or items is over",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}a: 1": "took over",
    "{% for i in range(100000) %}{{ 'y' * 1000 }}\n{% endfor %}": "the rendered text is over 32 MiB",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}a: {{ f(0) }}": "calls itself without end",
}
REPRS = {
    "a: {{ ''.format }}": "was given a function",
    "a: {{ cycler }}": "was given a class",
    "a: {{ namespace() }}": "was given a BoundedNamespace object",
    "a: '{{ cycler ~ '' }}'": "holds a Python object (<class",
    "a: '{{ [lipsum] | join }}'": "holds a Python object (<function",
}


def _render(tmp_path: Path, text: str, **values: str) -> list[str]:
    path = write(tmp_path, "t.yaml.j2", text)
    options = render_options(set_values=[f"{k}={v}" for k, v in values.items()])
    rendered, problems = render_source(SourceText(str(path), text), options)
    assert rendered is None, rendered.source.text[:200] if rendered else ""
    return [p.message for p in problems]


@pytest.mark.parametrize("text", sorted(HOSTILE))
def test_hostile_templates_are_bounded(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the endless loop meets the time budget; every other template must meet its own limit first,
    # however loaded the machine, so it gets a budget it never reaches.
    monkeypatch.setenv("MANIKIT_TEMPLATE_TIMEOUT", "2" if HOSTILE[text] == "took over" else "120")
    messages = _render(tmp_path, text)
    assert len(messages) == 1 and HOSTILE[text] in messages[0], messages


@pytest.mark.parametrize("text", sorted(REPRS))
def test_internals_are_never_rendered_as_reprs(tmp_path: Path, text: str) -> None:
    messages = _render(tmp_path, text)
    assert len(messages) == 1 and REPRS[text] in messages[0], messages
    assert " at 0x" not in messages[0]


def test_strict_undefined_holds_inside_lists_and_mappings(tmp_path: Path) -> None:
    for text in ("args: {{ [web.args] }}", "env: {{ {'a': web.env} }}"):
        messages = _render(tmp_path, text, **{"web.image": "nginx"})
        assert messages and "undefined" in messages[0], messages


def test_lists_and_mappings_render_as_yaml_data(tmp_path: Path) -> None:
    text = "a: {{ [1, 'x', none, true] }}\nb: {{ {'k': 2.5} }}\n"
    path = write(tmp_path, "t.yaml.j2", text)
    rendered, problems = render_source(SourceText(str(path), text), render_options())
    assert not problems and rendered is not None
    assert rendered.source.text == 'a: [1, "x", null, true]\nb: {"k": 2.5}\n'


def test_a_hostile_template_through_the_cli_is_one_problem(tmp_path: Path) -> None:
    write(tmp_path, "t.yaml.j2", "a: {{ 'x' * 10**10 }}\n")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "t.yaml.j2:1: error MK023 template-error: repeating a value 10,000,000,000 times" in result.stdout
    assert "internal error" not in result.stderr
