"""The line reader (yamllines.py) against libyaml's builder (yamlplain.py, itself held to the exact one):
every text the line reader accepts becomes what libyaml makes of it, data types, document lines and
all; anything else it hands over (``Unusual``). Real manifests (../shared/corpus) too, when present."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError

from manikit.source.yamlfast import load_yaml, load_yaml_exact
from manikit.source.yamllines import load_lines
from manikit.source.yamlplain import MAX_DEPTH, Unusual, load_plain
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"

# one-line values as manifests write them, and the cases at the edge of what a plain scalar is
VALUES = [
    "1", "0", "00", "0644", "-1", "+2", "0x1F", "1_000", "1.5", "1e3", "-.5", ".inf", ".nan", "yes", "No",
    "on", "y", "true", "~", "null", "2024-01-01", "web", "nginx:1.25.3", "100m", "512Mi", "http://x/y",
    "-x", "--y", "a b", "a#b", "a :b", "a:b", "a, b", "{}", "[]", "{} # none", '"q"', '"a: b"', '"a #b"',
    "'s'", "'a: b'", '""', "''", "a ", "1 # c", "x---", "a]", "a}",
]  # fmt: skip
# values the line reader hands over (or libyaml refuses)
EDGE_VALUES = [
    "a #b", "a # b", "a: b", "a:", ":a", "?a", "[a]", "{a: 1}", "[ ]", '"e\\"x"', '"\\n"', "'it''s'",
    "&a x", "*a", "!!str 1", "|", ">-", "%x", "@x", "`x", "- x", "-", "...", "---",
]  # fmt: skip
KEYS = ["a", "b", "name", "80", "yes", "null", "app.kubernetes.io/name", "$patch", "a_b", "x-y", "1a"]
EDGE_KEYS = ["<<", '"q"', "'s'", "a b", "-a", ".a", "a#"]


def _canonical(data: Any) -> Any:
    """Data with its types spelt out (True == 1 and 1 == 1.0 in Python; NaN != NaN)."""
    if isinstance(data, dict):
        return ("map", [(k, _canonical(v)) for k, v in data.items()])
    if isinstance(data, list):
        return ("seq", [_canonical(v) for v in data])
    if isinstance(data, float) and math.isnan(data):
        return ("float", "nan")
    return (type(data).__name__, data)


def _reference(text: str) -> Any:
    """What libyaml's builder makes of ``text``, or the exception it raises."""
    try:
        return [(_canonical(data), line) for data, line in load_plain(text)]
    except (Unusual, YAMLError, ValueError) as exc:
        return type(exc)


def _assert_same_or_handed_over(text: str) -> bool:
    """The line reader's result equals the reference, or it hands the text over; True when it read it."""
    try:
        read = load_lines(text)
    except Unusual:
        return False
    assert [(_canonical(data), line) for data, line in read] == _reference(text), text
    return True


def _node(depth: int = 0) -> st.SearchStrategy[Any]:
    value = st.sampled_from(VALUES * 19 + EDGE_VALUES)
    if depth >= 3:
        return value
    children = st.deferred(lambda: _node(depth + 1))
    key = st.sampled_from(KEYS * 19 + EDGE_KEYS)
    mapping = st.lists(st.tuples(key, children), min_size=1, max_size=4, unique_by=lambda kv: kv[0])
    sequence = st.lists(children, min_size=1, max_size=3)
    collection = st.one_of(mapping.map(lambda p: ("map", p)), sequence.map(lambda i: ("seq", i)))
    return collection if depth == 0 else st.one_of(value, value, collection)


@st.composite
def _layout(draw: st.DrawFn) -> dict[str, Any]:
    """How a document is written: indent step, sequences under their key or indented, spaces after a
    dash, comments, blank lines and trailing spaces here and there."""
    return {
        "step": draw(st.integers(1, 4)),
        "indentless": draw(st.booleans()),
        "dash": draw(st.sampled_from(["- ", "- ", "-  "])),
        "noise": draw(
            st.lists(st.sampled_from(["", "# c", "  # c", "   ", " #", "", "# c", "x: 1"]), max_size=3)
        ),
        "seed": draw(st.integers(0, 1_000)),
        "trail": draw(st.sampled_from(["", "", " ", "  # t"])),
    }


def _block(node: Any, indent: int, layout: dict[str, Any]) -> list[str]:
    pad = " " * indent
    kind, items = node
    lines: list[str] = []
    for number, item in enumerate(items):
        key, value = item if kind == "map" else (None, item)
        head = f"{pad}{key}:" if kind == "map" else f"{pad}{layout['dash'].rstrip()}"
        if isinstance(value, str):
            lines.append(f"{head} {value}{layout['trail'] if number % 2 else ''}")
        elif kind == "seq" and value[0] == "map" and number % 2 == 0:  # compact: `- key: value`
            inner = _block(value, indent + len(layout["dash"]), layout)
            lines.append(pad + layout["dash"] + inner[0].lstrip(" "))
            lines.extend(inner[1:])
        else:
            lines.append(head)
            indentless = value[0] == "seq" and kind == "map" and layout["indentless"]
            lines.extend(_block(value, indent if indentless else indent + layout["step"], layout))
    return lines


def _noisy(lines: list[str], layout: dict[str, Any]) -> list[str]:
    out = list(lines)
    for n, noise in enumerate(layout["noise"]):
        out.insert((layout["seed"] * (n + 7)) % (len(out) + 1), noise)
    return out


@st.composite
def _texts(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        layout = draw(_layout())
        lines = _noisy(_block(draw(_node()), draw(st.sampled_from([0, 0, 2])), layout), layout)
        parts.append("\n".join(lines))
    separator = draw(st.sampled_from(["\n---\n", "\n--- # next\n", "\n---   \n", "\n\n---\n# c\n"]))
    start = draw(st.sampled_from(["", "", "---\n", "# head\n\n", "--- \n", "\n---\n---\n", "\n\n\n"]))
    end = draw(st.sampled_from(["\n", "", "\n---\n", "\n\n# tail\n"]))
    return start + separator.join(parts) + end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_what_the_line_reader_reads_is_what_libyaml_makes_of_it(text: str) -> None:
    _assert_same_or_handed_over(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_load_yaml_gives_what_the_exact_builder_gives(text: str) -> None:
    def shown(result: tuple[Any, Any]) -> Any:
        docs, problems = result
        return [(d.index, _canonical(d.data), d.line) for d in docs], problems

    assert shown(load_yaml(text, "f.yaml")) == shown(load_yaml_exact(text, "f.yaml"))


MANIFEST = """\
# a comment before the first document
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web  # trailing comment
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 0
  template:
    spec:
      containers:
      - name: web
        image: "nginx:1.25"
        args: []
        ports:
          -  containerPort: 8080
             protocol: 'TCP'
        resources: {}
      volumes:
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
    targetPort: 8080
---
"""


def test_a_manifest_stream_is_read_line_by_line() -> None:
    read = load_lines(MANIFEST)
    assert [line for _, line in read] == [2, 21, 30]
    deployment, service, empty = (data for data, _ in read)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container == {
        "name": "web",
        "image": "nginx:1.25",
        "args": [],
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {},
    }
    assert deployment["spec"]["template"]["spec"]["volumes"] is None
    assert deployment["metadata"] == {"name": "web", "labels": {"app.kubernetes.io/name": "web"}}
    assert service["spec"]["ports"] == [{"port": 80, "targetPort": 8080}]
    assert empty is None
    assert _assert_same_or_handed_over(MANIFEST)


def test_a_piece_behind_empty_lines_keeps_the_files_line_numbers() -> None:
    padded = "\n" * 1_000 + MANIFEST  # as chunks.Piece.padded() hands a piece of a big file over
    assert [line for _, line in load_lines(padded)] == [1_002, 1_021, 1_030]
    assert _assert_same_or_handed_over(padded)


@pytest.mark.parametrize("run", [1, 63, 64, 65, 1_000])
def test_runs_of_empty_lines_between_and_inside_documents_keep_every_line_number(run: int) -> None:
    """A plan's load blanks the documents it knows from their text (``plan.textual``): the documents
    left stand between long runs of empty lines, which the reader skips whole, numbers kept."""
    blank = "\n" * run
    deployment, service, _ = MANIFEST.split("---\n")
    inside = deployment.replace("spec:\n  replicas", f"spec:\n{blank}  replicas")
    texts = [
        f"{blank}{deployment}---\n{blank}---\n{blank}{service}{blank}",
        f"{inside}---{blank}{service}---{blank}",
        f"---\n{blank}---\n{service}{blank}---\n{inside}",
    ]
    for text in texts:
        assert _assert_same_or_handed_over(text), text  # read, and as libyaml reads it
    assert [line for _, line in load_lines(texts[1])] == [2, 21 + run, 29 + 2 * run]


def test_a_long_run_of_empty_lines_is_not_cut_line_by_line() -> None:
    from manikit.source.yamllines import _numbered_lines

    long_run, short_run = "\n" * 1_000, "\n" * 3
    numbers = [number for number, _ in _numbered_lines(f"a: 1{long_run}b: 2{short_run}c: 3", 1)]
    assert numbers == [1, 1_001, 1_002, 1_003, 1_004]  # the short run's lines are cut (and skipped)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor and an alias
        "a: 1\na: 2\n",  # a duplicate key
        "base: {x: 1}\n",  # a flow mapping
        "<<: {x: 2}\n",  # a merge key
        "? a\n: 1\n",  # a complex key
        "a: |\n  text\n",  # a block scalar
        "a: one\n  two\n",  # a multi-line plain scalar
        "a: b: c\n",  # a mapping where a scalar must be
        "a:\tb\n",  # a tab
        "a: b\r\n",  # a carriage return
        "a: caf\u00e9\n",  # not ASCII
        "a: b\x7f\n",  # a control character
        "a: b\x0c\n",  # a form feed
        "a: b\n\x00",  # a NUL
        "%YAML 1.1\n---\na: 1\n",  # a directive
        "a: 1\n...\n",  # a document end marker
        "a: 1\n b: 2\n",  # a key right of its mapping
        "- a\n  - b\n",  # an item right of its sequence
        "a:\n  b: 1\n c: 2\n",  # a key between two indents
        "a: 1\n- b\n",  # an item in a mapping
        "text\n",  # a scalar document
        '"a": 1\n',  # a quoted key
        "a: 'it''s'\n",  # a doubled quote
        'a: "\\n"\n',  # an escape
        "--- a: 1\n",  # content after the marker
        "".join(f"{' ' * i}k:\n" for i in range(MAX_DEPTH)),  # past the depth limit
    ],
)
def test_what_the_line_reader_hands_over(text: str) -> None:
    with pytest.raises(Unusual):
        load_lines(text)
    docs, _ = load_yaml(text, "f.yaml")  # and load_yaml still reads it, as the exact builder does
    assert [(d.index, _canonical(d.data), d.line) for d in docs] == [
        (d.index, _canonical(d.data), d.line) for d in load_yaml_exact(text, "f.yaml")[0]
    ]


def test_a_number_too_long_to_convert_is_said_as_the_exact_builder_says_it() -> None:
    text = "a: " + "9" * 5_000 + "\n"
    docs, problems = load_yaml(text, "f.yaml")
    exact_docs, exact_problems = load_yaml_exact(text, "f.yaml")
    assert problems == exact_problems
    assert problems and problems[0].code == "MK004"
    assert [d.data for d in docs] == [d.data for d in exact_docs]


def test_empty_and_comment_only_texts() -> None:
    for text in ("", "\n", "# only\n", "---\n", "# c\n---\n# d\n", "---\n---\n", "a: 1\n---\n"):
        assert _assert_same_or_handed_over(text), text


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (see ../shared/README.md)")
def test_the_corpus_reads_as_libyaml_reads_it() -> None:
    read = handed_over = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if _assert_same_or_handed_over(text):
            read += 1
        else:
            handed_over += 1
    assert read > 100 and handed_over > 0, (read, handed_over)  # both paths were taken on real files


# lines to cut as _LINE cuts them: keys, dashes and values at their edges
_LINE_PARTS = st.sampled_from(["", " ", "  ", "-", "- ", "-  ", "--", "a:", "a: ", "a:b", "$p:", "a.b/c-d:"])
_LINE_ENDS = st.sampled_from(["", "x", " x", "# c", "1", "- y", "a: b", "'q'", ":", " "])
_CUT_LINES = st.tuples(_LINE_PARTS, _LINE_PARTS, _LINE_ENDS).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CUT_LINES, min_size=1, max_size=8), st.data())
def test_lines_cut_once_per_distinct_line_are_cut_as_findall_cuts_them(lines: list[str], data: Any) -> None:
    from manikit.source import yamllines

    picks = data.draw(st.lists(st.integers(0, len(lines) - 1), min_size=1, max_size=60))
    text = "\n".join(lines[i] for i in picks) + data.draw(st.sampled_from(["", "\n"]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamllines, "_REPEATS_MIN_LINES", 0)
        assert yamllines._cut_lines(text) == yamllines._LINE.findall(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(), st.integers(3, 6))  # three times or more: most lines repeat
def test_a_stream_of_repeated_documents_reads_as_libyaml_reads_it(text: str, times: int) -> None:
    """The distinct-lines path (a stream of many alike objects) against the reference."""
    from manikit.source import yamllines

    stream = "\n---\n".join([text.strip("\n")] * times) + "\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamllines, "_REPEATS_MIN_LINES", 0)
        _assert_same_or_handed_over(stream)


def test_a_long_stream_of_alike_manifests_reads_as_libyaml_reads_it() -> None:
    stream = "".join(MANIFEST.replace("name: web", f"name: web-{i}") for i in range(150))
    assert stream.count("\n") > 2_000  # long enough for the distinct-lines path, without patching
    assert _assert_same_or_handed_over(stream)
    assert _assert_same_or_handed_over("\n" * 5_000 + stream)  # a piece of a big file
