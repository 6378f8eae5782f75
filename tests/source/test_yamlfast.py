import time

import pytest

from manikit.source.yamlfast import MAX_DEPTH, load_yaml


def codes(text: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.code) for p in load_yaml(text, "f.yaml")[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1", {"a": 1}),
        ("a: 0", {"a": 0}),
        ("a: 00", {"a": 0}),  # octal too
        ("a: 8080", {"a": 8080}),
        ("a: 99999999999999999999", {"a": 99999999999999999999}),
        ("a: '1'", {"a": "1"}),
        ("a: 0644", {"a": 420}),  # go-yaml v2: a leading zero is octal (defaultMode: 0644)
        ("a: 0x1F", {"a": 31}),
        ("a: 1_000", {"a": 1000}),
        ("a: 1.5", {"a": 1.5}),
        ("a: 1e3", {"a": 1000.0}),
        ("a: yes", {"a": True}),
        ("a: off", {"a": False}),
        ("a: NO", {"a": False}),
        ("a: ~", {"a": None}),
        ("a:", {"a": None}),
        ("a: 2024-01-01", {"a": "2024-01-01"}),  # timestamps stay strings
        ("a: !!str 3", {"a": "3"}),
        ("a: .inf", {"a": float("inf")}),
        ("a: 09", {"a": 9.0}),
        ("a: web", {"a": "web"}),
        ("a: [1, two]", {"a": [1, "two"]}),
        ("a: &x {b: 1}\nc: *x", {"a": {"b": 1}, "c": {"b": 1}}),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_scalars_resolve_as_kubernetes_yaml(text: str, expected: object) -> None:
    docs, problems = load_yaml(text, "f.yaml")
    assert problems == []
    assert docs[0].data == expected


def test_documents_and_their_lines() -> None:
    docs, _ = load_yaml("a: 1\n---\nb: 2\n---\n---\nc: 3\n", "f.yaml")
    assert [(d.index, d.line, d.data) for d in docs] == [
        (0, 1, {"a": 1}),
        (1, 2, {"b": 2}),
        (2, 4, None),
        (3, 5, {"c": 3}),
    ]


def test_duplicate_keys_are_errors_at_the_second_key() -> None:
    assert codes("spec:\n  selector: 1\n  x: 2\n  selector: 3\n") == [(4, 3, "MK005")]


def test_merge_keys_are_refused_like_kubectl() -> None:
    docs, problems = load_yaml("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert [(p.line, p.code) for p in problems] == [(3, "MK011")]
    assert docs[0].data["use"] == {"x": 1, "y": 2}


def test_syntax_error_keeps_earlier_documents() -> None:
    docs, problems = load_yaml("a: 1\n---\nb: [1,\n", "f.yaml")
    assert [d.data for d in docs] == [{"a": 1}]
    assert [p.code for p in problems] == ["MK004"]


def test_unrendered_template_gets_a_hint() -> None:
    _, problems = load_yaml("metadata:\n  name: {{cell}}-etcd\n", "f.yaml")
    assert problems[0].code == "MK004"
    assert "unrendered template" in problems[0].hint


def test_trailing_tab_after_a_value_is_accepted_like_kubectl() -> None:
    docs, problems = load_yaml("kind: Service\t\nmetadata:\t\n  name: x\t\n", "f.yaml")
    assert problems == []
    assert docs[0].data == {"kind": "Service", "metadata": {"name": "x"}}


def test_tab_indentation_is_an_error() -> None:
    _, problems = load_yaml("a:\n\tb: 1\n", "f.yaml")
    assert [p.code for p in problems] == ["MK004"]


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.process_time()
    _, problems = load_yaml("\n".join(lines), "bomb.yaml")
    assert [p.code for p in problems] == ["MK010"]
    assert "alias" in problems[0].message
    assert time.process_time() - start < 5  # bounded: sizes are added up, never expanded


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 10
    _, problems = load_yaml("[" * depth + "]" * depth, "deep.yaml")
    assert [p.code for p in problems] == ["MK010"]


def test_very_deep_unclosed_nesting_does_not_crash() -> None:
    _, problems = load_yaml("[" * 100_000, "deep.yaml")
    assert problems and problems[0].code in ("MK004", "MK010")


def test_complex_keys_are_refused() -> None:
    assert [c for _, _, c in codes("? [a, b]\n: 1\n")] == ["MK004"]


def test_mapping_keys_stay_text() -> None:
    docs, _ = load_yaml("80: a\nyes: b\nnull: c\n", "f.yaml")
    assert docs[0].data == {"80": "a", "yes": "b", "null": "c"}
