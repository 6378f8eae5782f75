"""Templates: values precedence, strict undefined values, the sandbox, filters, and positions that map
back to the template."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from manikit.diagnostics import Level, Problem
from manikit.errors import ConfigError
from manikit.source.documents import load_file
from manikit.source.linemap import (
    BLOCK_LINE,
    BLOCK_START,
    LINE_MARK,
    MARK_END,
    RenderedLine,
    align_column,
    finish,
)
from manikit.source.reader import expand_paths
from manikit.source.templates import render_file
from manikit.source.values import DEFAULT_RENDER, RenderOptions, deep_merge, parse_set, render_options
from manikit.source.yamlfast import load_yaml
from manikit.validate.pipeline import map_files, validate_file
from manikit.validate.validator import validate_documents
from tests.conftest import write

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ name }}
spec:
  replicas: {{ replicas }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
{% for c in containers %}
        - name: {{ c }}
          image: nginx:1.25
          resources:
            {{ resources | toyaml }}
{% endfor %}
"""

BASE = """\
name: web
replicas: 1
containers: [web]
resources:
  limits:
    memory: 128Mi
"""


def render(tmp_path: Path, template: str, options: RenderOptions = DEFAULT_RENDER, base: str = "") -> str:
    if base:
        write(tmp_path, "manikit.values.yaml", base)
    path = write(tmp_path, "t.yaml.j2", template)
    source, problems = render_file(str(path), options)
    assert not problems, [p.headline() for p in problems]
    assert source is not None
    return source.text


def problems_of(tmp_path: Path, template: str, options: RenderOptions = DEFAULT_RENDER) -> list[str]:
    path = write(tmp_path, "t.yaml.j2", template)
    loaded = load_file(str(path), options)
    return [p.headline().replace(str(tmp_path) + os.sep, "") for p in loaded.problems]


# --- values ---------------------------------------------------------------------------------------


def test_values_precedence_base_then_files_in_order_then_set(tmp_path: Path) -> None:
    write(tmp_path, "manikit.values.yaml", "a: base\nb: base\nc: base\nd: base\nnested: {x: 1, y: 1, z: 1}\n")
    one = write(tmp_path, "values/one.yaml", "b: one\nc: one\nd: one\nnested: {y: 2}\n")
    two = write(tmp_path, "values/two.yaml", "c: two\nd: two\nnested: {z: 3}\n")
    options = render_options([str(one), str(two)], ["d=set", "nested.x=9"])
    text = render(
        tmp_path, "{{ a }} {{ b }} {{ c }} {{ d }} {{ nested.x }}{{ nested.y }}{{ nested.z }}\n", options
    )
    assert text == "base one two set 923\n"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a=3", {"a": 3}),
        ('a="3"', {"a": "3"}),
        ("a.b.c=true", {"a": {"b": {"c": True}}}),
        ("a=[1, two]", {"a": [1, "two"]}),
        ("a=", {"a": ""}),
        ("a=x=y", {"a": "x=y"}),
        ("dotted\\.name=1", {"dotted.name": 1}),
        ("image.tag=1.4", {"image": {"tag": 1.4}}),
        ("image.tag='1.4'", {"image": {"tag": "1.4"}}),
    ],
    ids=[
        "int",
        "quoted-string",
        "nested-bool",
        "list",
        "empty",
        "equals-in-value",
        "escaped-dot",
        "float",
        "str",
    ],
)
def test_set_values_are_yaml_typed(expr: str, expected: object) -> None:
    assert parse_set(expr) == expected


@pytest.mark.parametrize(
    "expr", ["novalue", "=3", "a..b=1", "a=[1"], ids=["no-equals", "no-name", "empty-part", "bad-yaml"]
)
def test_bad_set_is_a_config_error(expr: str) -> None:
    with pytest.raises(ConfigError, match="--set"):
        parse_set(expr)


def test_deep_merge_keeps_inputs_unchanged() -> None:
    base = {"a": {"b": 1, "c": 2}}
    merged = deep_merge(base, {"a": {"c": 3}, "d": 4})
    assert merged == {"a": {"b": 1, "c": 3}, "d": 4}
    assert base == {"a": {"b": 1, "c": 2}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1\n", r"bad\.yaml:2:1: bad values file"),
        ("- 1\n- 2\n", r"bad\.yaml:1: a values file must be a mapping .* not a list"),
        ("a: 1\n---\nb: 2\n", r"bad\.yaml:2: a values file holds one YAML document"),
        ("a: 1\na: 2\n", r"bad\.yaml:2:1: bad values file: duplicate key"),
    ],
    ids=["syntax", "not-a-mapping", "two-documents", "duplicate-key"],
)
def test_bad_values_file_is_a_config_error_naming_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ConfigError, match=message):
        render_options([str(path)])


def test_missing_values_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read values file"):
        render_options([str(tmp_path / "nope.yaml")])


def test_bad_base_values_file_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, "manikit.values.yaml", "a: [\n")
    path = write(tmp_path, "t.yaml.j2", "a: 1\n")
    with pytest.raises(ConfigError, match=r"manikit\.values\.yaml:2:1: bad values file"):
        load_file(str(path))


def test_base_values_are_found_above_the_template(tmp_path: Path) -> None:
    write(tmp_path, "manikit.values.yaml", "who: root\n")
    write(tmp_path, "sub/deeper/t.yaml.j2", "who: {{ who }}\n")
    loaded = load_file(str(tmp_path / "sub/deeper/t.yaml.j2"))
    assert loaded.documents[0].data == {"who": "root"}


def test_directory_walk_skips_values_files(tmp_path: Path) -> None:
    write(tmp_path, "manikit.values.yaml", "a: 1\n")
    write(tmp_path, "values/prod.yaml", "a: 2\n")
    write(tmp_path, "deploy.yaml.j2", "a: {{ a }}\n")
    write(tmp_path, "sub/values/kept.yaml", "a: 3\n")  # only beside manikit.values.yaml is values/ skipped
    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])]
    assert found == ["deploy.yaml.j2", "sub/values/kept.yaml"]


# --- rendering and filters -------------------------------------------------------------------------


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = render(tmp_path, DEPLOY, base=BASE)
    assert render(tmp_path, DEPLOY, base=BASE) == first
    assert "\ue000" not in first and "\ue002" not in first


def test_toyaml_indents_to_where_it_stands(tmp_path: Path) -> None:
    text = render(
        tmp_path,
        "spec:\n  resources:\n    {{ r | toyaml }}\n",
        render_options(set_values=["r.limits.memory=1Gi", "r.limits.cpu='1'", "r.requests.cpu=100m"]),
    )
    assert text == (
        'spec:\n  resources:\n    limits:\n      memory: 1Gi\n      cpu: "1"\n'
        "    requests:\n      cpu: 100m\n"
    )


def test_toyaml_with_an_explicit_indent_is_not_indented_twice(tmp_path: Path) -> None:
    text = render(
        tmp_path, "a:\n{{ v | toyaml | indent(2, true) }}\n", render_options(set_values=["v.b.c=1"])
    )
    assert text == "a:\n  b:\n    c: 1\n"


@pytest.mark.parametrize(
    "value",
    [
        {"s": "yes", "o": "0644", "e": "1e3", "n": "null", "t": "true", "empty": "", "colon": "a: b"},
        {"list": [1, "two", {"three": 3}, [4, 5]], "nested": {"deep": {"er": None}}},
        {"multi": "line one\nline two\n", "keep": "a\n\n", "strip": "a\nb", "lead": " x\ny"},
        {"f": 1.5, "inf": float("inf"), "b": False, "i": -3, "empty_map": {}, "empty_list": []},
        {"unicode": "café ✓", "ctrl": "a\tb", "quote": 'say "hi"', "hash": "a #b", "dash": "-x"},
    ],
    ids=["yaml11-lookalikes", "nesting", "multi-line", "scalars", "awkward-strings"],
)
def test_toyaml_reads_back_as_the_same_data(tmp_path: Path, value: object) -> None:
    from manikit.source.yamldump import dump_yaml

    docs, problems = load_yaml(dump_yaml(value) + "\n", "x")
    assert not problems
    assert docs[0].data == value


def test_quote_b64encode_default_required(tmp_path: Path) -> None:
    template = (
        'q: {{ s | quote }}\nb: {{ "hi:there" | b64encode }}\nd: {{ missing | default("fallback") }}\n'
        'r: {{ s | required("s is needed") }}\nn: {{ nothing }}\n'
    )
    options = render_options(set_values=['s=a "b"', "nothing=null"])
    text = render(tmp_path, template, options)
    assert text == 'q: "a \\"b\\""\nb: aGk6dGhlcmU=\nd: fallback\nr: a "b"\nn: null\n'


def test_required_fails_with_the_given_message(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "a: 1\nb: {{ tag | required('set image tag: --set tag=...') }}\n") == [
        "t.yaml.j2:2: error MK023 template-error: set image tag: --set tag=..."
    ]


# --- errors point at the template --------------------------------------------------------------------


def test_undefined_value_names_variable_file_and_line(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "a: 1\nb: {{ image.tag }}\n", render_options(set_values=["image.repo=x"]))
    assert len(found) == 1
    assert found[0].startswith('t.yaml.j2:2: error MK021 undefined-value: "image.tag" is undefined')


def test_undefined_top_level_and_list_index(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "\n\nx: {{ nope }}\n")[0].startswith(
        't.yaml.j2:3: error MK021 undefined-value: "nope" is undefined'
    )
    found = problems_of(tmp_path, "x: {{ items[3] }}\n", render_options(set_values=["items=[1]"]))
    assert found[0].startswith('t.yaml.j2:1: error MK021 undefined-value: "items[3]" is undefined')


def test_undefined_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    write(tmp_path, "parts/_bit.j2", "ok: 1\nbad: {{ gone }}\n")
    found = problems_of(tmp_path, "a: 1\n{% include 'parts/_bit.j2' %}\n")
    assert found[0].startswith(f'parts{os.sep}_bit.j2:2: error MK021 undefined-value: "gone" is undefined')


def test_syntax_error_gives_file_line_and_jinja_message(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "a: 1\nb: 2\n{% if %}\n") == [
        "t.yaml.j2:3: error MK020 template-syntax: template syntax error: "
        "Expected an expression, got 'end of statement block'"
    ]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("x: {{ ''.__class__ }}", "'__class__' of a str is off limits"),
        ("x: {{ ''.__class__.__mro__[1].__subclasses__() }}", "'__class__' of a str is off limits"),
        ("x: {{ lipsum.__globals__ }}", "'__globals__' of a function is off limits"),
        ("x: {{ cycler.__init__.__globals__ }}", "off limits"),
        ("x: {{ values.update({'a': 1}) }}", "'update' of a mapping is off limits"),
        ("x: {{ values._manikit_path }}", "'_manikit_path' of a mapping is off limits"),
        ("{% include '/etc/passwd' %}", "'/etc/passwd' is an absolute path"),
        ("{% include '../outside.yaml' %}", "'../outside.yaml' leaves the template tree"),
        ("{% import 'a/../../outside.yaml' as x %}", "leaves the template tree"),
        ('x: {{ env("HOME") }}', 'env("HOME") reads the process environment, which is off: pass --allow-env'),
    ],
    ids=[
        "class",
        "subclasses",
        "function-globals",
        "cycler-globals",
        "mutate-values",
        "private-attribute",
        "absolute-include",
        "dotdot-include",
        "dotdot-import",
        "env-without-allow-env",
    ],
)
def test_sandbox_escapes_are_refused(tmp_path: Path, template: str, message: str) -> None:
    tree = tmp_path / "tree"
    write(tmp_path, "outside.yaml", "secret: 1\n")
    found = problems_of(tree, template + "\n")
    assert len(found) == 1
    assert found[0].startswith("t.yaml.j2:1: error MK022 template-refused: refused: "), found
    assert message in found[0]


def test_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.txt", "token: hunter2\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.j2").symlink_to(secret)
    found = problems_of(tree, "{% include 'link.j2' %}\n")
    assert "resolves outside the template tree" in found[0]
    assert "hunter2" not in found[0]


def test_env_with_allow_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANIKIT_TEST_TAG", "1.2.3")
    monkeypatch.delenv("MANIKIT_TEST_UNSET", raising=False)
    allowed = render_options(allow_env=True)
    text = render(
        tmp_path, 'a: {{ env("MANIKIT_TEST_TAG") }}\nb: {{ env("MANIKIT_TEST_UNSET", "d") }}\n', allowed
    )
    assert text == "a: 1.2.3\nb: d\n"
    found = problems_of(tmp_path, 'a: {{ env("MANIKIT_TEST_UNSET") }}\n', allowed)
    assert found == [
        "t.yaml.j2:1: error MK023 template-error: environment variable MANIKIT_TEST_UNSET is not set; "
        'give a default: env("MANIKIT_TEST_UNSET", "")'
    ]


def test_findings_point_at_the_template_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "manikit.values.yaml", BASE.replace("128Mi", "128mi"))
    path = write(tmp_path, "t.yaml.j2", DEPLOY.replace("{{ replicas }}", "{{ replicas }}x"))
    loaded = load_file(str(path))
    assert not loaded.problems
    problems = validate_documents(loaded.documents).problems
    where = {(p.path, p.line, p.col) for p in problems}
    # replicas: the value starts where the expression does; the memory comes from the toyaml line
    assert ("spec.replicas", 6, 13) in where
    assert ("spec.template.spec.containers[name=web].resources.limits.memory", 18, 13) in where
    doc = loaded.documents[0]
    assert doc.source_line(18).strip() == "{{ resources | toyaml }}"


def test_a_line_made_of_several_template_lines_is_reported_as_rendered(tmp_path: Path) -> None:
    template = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n"
        "    {%- if true %} 3{% endif +%}\n  bogus: 1\n"
    )
    path = write(tmp_path, "t.yaml.j2", template)
    loaded = load_file(str(path))
    doc = loaded.documents[0]
    assert doc.lines is not None and doc.lines.rendered_text.splitlines()[4] == "  labels: 3"
    problems = validate_documents(loaded.documents).problems
    where = sorted((p.path, p.location()) for p in problems)
    assert where == [("metadata.bogus", f"{path}:7:3"), ("metadata.labels", f"{path}:5 (rendered):11")]
    labels = doc.locate(("metadata", "labels"))
    assert isinstance(labels.line, RenderedLine) and labels.line == 5
    assert doc.source_line(labels.line) == "  labels: 3"
    assert doc.source_line(7) == "  bogus: 1"


def test_yaml_error_in_rendered_text_points_at_the_template(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "a: 1\nb: {{ v }}\nc: 2\n", render_options(set_values=["v='x: y'"]))
    assert found == ["t.yaml.j2:2:4: error MK004 yaml-syntax: mapping values are not allowed in this context"]
    at_end = problems_of(tmp_path, "a: 1\nb: {{ v }}\n", render_options(set_values=["v='[1'"]))
    assert [p.split(": error")[0] for p in at_end] == ["t.yaml.j2:3:1"]


def test_template_rendering_nothing_is_an_info(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "{% if false %}\na: 1\n{% endif %}\n") == [
        "t.yaml.j2: info MK012 empty-file: the template renders no manifest with these values"
    ]


def test_render_options_reach_worker_processes(tmp_path: Path) -> None:
    for i in range(6):
        write(
            tmp_path,
            f"ns{i}.yaml.j2",
            f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n{i}\n  labels: {{{{ v }}}}\n",
        )
    names = sorted(str(p) for p in tmp_path.glob("*.j2"))
    options = render_options(set_values=["v=3"])  # the default (no values) would fail differently: undefined
    check = partial(validate_file, render=options)
    serial = map_files(names, check, jobs=1)
    forked = map_files(names, check, jobs=3)
    assert [o.problems for o in forked] == [o.problems for o in serial]
    assert all([(p.code, p.line) for p in o.problems] == [("MK001", 5)] for o in forked)


def test_plain_yaml_never_imports_jinja2(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    code = (
        "import sys; from manikit.source.documents import load_file; "
        f"assert load_file({str(path)!r}).documents; print('jinja2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- line map ------------------------------------------------------------------------------------------


def mark(line: int) -> str:
    return f"{LINE_MARK}{line}{MARK_END}"


@pytest.mark.parametrize(
    ("marked", "text", "lines"),
    [
        (f"{mark(1)}a: 1\n{mark(2)}b: 2\n", "a: 1\nb: 2\n", (1, 2)),
        (f"{mark(1)}a:\n{mark(2)}  {mark(3)}x\n", "a:\n  x\n", (1, 3)),
        (f"{mark(4)}a: {mark(5)}b\n", "a: b\n", (0,)),
        (f"{mark(2)}\n{mark(3)}   \n{mark(4)}c", "\n   \nc", (2, 3, 4)),
        (f"{mark(7)}k:\n  {BLOCK_START}a: 1\n{BLOCK_LINE}b: 2\n", "k:\n  a: 1\n  b: 2\n", (7, 7, 7)),
        (f"{mark(7)}k:\n  {BLOCK_START}a: 1\n    {BLOCK_LINE}b: 2", "k:\n  a: 1\n    b: 2", (7, 7, 7)),
    ],
    ids=[
        "one-to-one",
        "whitespace-from-another-line",
        "two-lines-joined",
        "blank-lines",
        "toyaml",
        "toyaml-indented",
    ],
)
def test_finish_strips_marks_and_maps_lines(marked: str, text: str, lines: tuple[int, ...]) -> None:
    assert finish(marked) == (text, lines)


@pytest.mark.parametrize(
    ("rendered", "template", "col", "expected"),
    [
        ("  image: nginx:1", "  image: {{ image }}", 3, 3),
        ("  image: nginx:1", "  image: {{ image }}", 10, 10),
        ("  image: nginx:1", "  image: {{ image }}", 14, 10),
        ("web: 8080 # port", "{{ name }}: 8080 # port", 6, 13),
        ("web: 8080 # port", "{{ name }}: 8080 # port", 2, 1),
        ("same", "same", 3, 3),
        ("x", "{{ v }}", 0, 0),
    ],
    ids=[
        "before",
        "expression-start",
        "inside-expression",
        "after-expression",
        "first-expression",
        "equal",
        "none",
    ],
)
def test_align_column(rendered: str, template: str, col: int, expected: int) -> None:
    assert align_column(rendered, template, col) == expected


def test_marks_never_reach_values_of_set_blocks_macros_and_filters(tmp_path: Path) -> None:
    template = (
        "{% set block %}\nname: {{ n }}\n{% endset %}\n"
        "{% macro m() %}x: {{ n }}{% endmacro %}\n"
        "a: {{ block | b64encode }}\n"
        "b: {{ m() | length }}\n"
        "c: {% filter upper %}{{ n }}\nd{% endfilter %}\n"
    )
    text = render(tmp_path, template, render_options(set_values=["n=web"]))
    assert text == "a: bmFtZTogd2ViCg==\nb: 6\nc: WEB\nD"  # trim_blocks: the newline after a tag goes


def test_each_loop_iteration_maps_to_the_loop_body(tmp_path: Path) -> None:
    template = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "{% for m in mems %}\n"
        "    - name: c{{ loop.index }}\n"
        "      image: x:1\n"
        "      resources: {limits: {memory: {{ m }}}}\n"
        "{% endfor %}\n"
    )
    path = write(tmp_path, "t.yaml.j2", template)
    loaded = load_file(str(path), render_options(set_values=["mems=[1Gi, 2gb, 3Gi]"]))
    problems = validate_documents(loaded.documents).problems
    assert [(p.path, p.line, p.col) for p in problems] == [
        ("spec.containers[name=c2].resources.limits.memory", 9, 36)
    ]


def test_a_template_edited_in_place_renders_anew(tmp_path: Path) -> None:
    assert render(tmp_path, "a: 1\n") == "a: 1\n"
    path = tmp_path / "t.yaml.j2"
    stat = path.stat()
    path.write_text("a: 22\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert render(tmp_path, "a: 22\n") == "a: 22\n"


def test_compiled_templates_are_cached_on_disk(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree, "manikit.values.yaml", "n: 1\n")
    write(tree, "a.yaml.j2", "a: {{ n }}\n")
    write(tree, "b.yaml.j2", "b: {{ n + 1 }}\n")
    cache = tmp_path / "cache"
    exe = Path(sys.executable).with_name("manikit")

    def run(*args: str, cache_dir: str = str(cache)) -> str:
        env = {**os.environ, "MANIKIT_CACHE_DIR": cache_dir}
        return subprocess.run([exe, *args], capture_output=True, text=True, check=True, env=env).stdout

    first = run("render", str(tree))
    entries = sorted(cache.glob("templates-*/*.cache"))
    assert len(entries) == 2
    assert run("render", str(tree)) == first  # from the cache: same bytes
    write(tree, "b.yaml.j2", "b: {{ n + 2 }}\n")
    assert "b: 3\n" in run("render", str(tree))  # a changed template is compiled again
    off = tmp_path / "off"
    assert run("render", str(tree), cache_dir="off") == run("render", str(tree))
    assert not off.exists()


def test_the_named_file_is_rendered_as_read_utf16_and_symlinks_included(tmp_path: Path) -> None:
    utf16 = tmp_path / "tree" / "u.yaml.j2"
    utf16.parent.mkdir()
    utf16.write_bytes("name: {{ 'café' }}\n".encode("utf-16"))
    assert load_file(str(utf16)).documents[0].data == {"name": "café"}
    elsewhere = write(tmp_path, "shared/ns.yaml.j2", "n: {{ 1 + 1 }}\n")
    link = tmp_path / "tree" / "ns.yaml.j2"
    link.symlink_to(elsewhere)  # named by the user: read wherever it leads; its includes stay in the tree
    assert load_file(str(link)).documents[0].data == {"n": 2}


def test_a_rendered_line_survives_pickling_and_sorts_as_a_number() -> None:
    problem = Problem("t.yaml.j2", RenderedLine(4), 3, "MK001", "invalid-value", Level.ERROR, "m")
    again = pickle.loads(pickle.dumps(problem))
    assert again.location() == "t.yaml.j2:4 (rendered):3"
    assert json.loads(json.dumps(again.to_dict()))["line"] == 4
    assert sorted([again, replace(problem, line=2)])[0].line == 2


def test_looking_into_a_scalar_says_so(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "a: {{ image.tag }}\n", render_options(set_values=["image=3"]))
    assert found[0].startswith(
        't.yaml.j2:1: error MK021 undefined-value: "tag" is undefined: it was looked up in 3, an integer, '
        "not a mapping"
    )


def test_a_cache_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree, "a.yaml.j2", "a: {{ 1 }}\n")
    exe = Path(sys.executable).with_name("manikit")
    env = {**os.environ, "MANIKIT_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run([exe, "render", str(tree)], capture_output=True, text=True, env=env, check=True)
    (entry,) = (tmp_path / "cache").glob("templates-*")
    assert len(list(entry.glob("*.cache"))) == 1
    for cached in entry.glob("*.cache"):
        cached.unlink()
    entry.chmod(0o777)  # as if another user could write compiled code into it
    again = subprocess.run([exe, "render", str(tree)], capture_output=True, text=True, env=env, check=True)
    assert again.stdout == first.stdout
    assert not list(entry.glob("*.cache"))
