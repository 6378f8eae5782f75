from pathlib import Path

import pytest

from manikit.errors import SourceError
from manikit.source import reader
from manikit.source.documents import load_file
from manikit.source.positions import Mark
from manikit.source.reader import expand_paths
from tests.conftest import write


def test_expand_paths_recurses_in_order_and_skips_other_files(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "a: 1")
    write(tmp_path, "a/x.yml", "a: 1")
    write(tmp_path, "a/y.json", "{}")
    write(tmp_path, "a/notes.txt", "hi")
    write(tmp_path, ".git/config.yaml", "a: 1")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])]
    assert found == ["b.yaml", "a/x.yml", "a/y.json"] or found == ["a/x.yml", "a/y.json", "b.yaml"]


def test_missing_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        expand_paths([str(tmp_path / "nope.yaml")])


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        (b"\x00\x01\x02binary", "MK009", "binary"),
        (b"a: caf\xe9\n", "MK009", "not valid UTF-8"),
        (b"", "MK012", "empty"),
        (b"   \n\n", "MK012", "empty"),
        (b"# only a comment\n---\n", "MK012", "no manifest"),
    ],
    ids=["binary", "latin-1", "empty", "blank", "comment-only"],
)
def test_unreadable_files_are_problems_not_tracebacks(
    tmp_path: Path, content: bytes, code: str, fragment: str
) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(content)
    result = load_file(str(path))
    assert [p.code for p in result.problems] == [code]
    assert fragment in result.problems[0].message


def test_huge_file_is_refused_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "big.yaml", "a: 1\n" * 100)
    result = load_file(str(path))
    assert [p.code for p in result.problems] == ["MK009"]
    assert "limit" in result.problems[0].message


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfkind: Pod\n")
    (tmp_path / "u16.yaml").write_bytes("kind: Pod\n".encode("utf-16"))
    assert load_file(str(tmp_path / "bom.yaml")).documents[0].data == {"kind": "Pod"}
    assert load_file(str(tmp_path / "u16.yaml")).documents[0].data == {"kind": "Pod"}


def test_list_items_are_documents_with_their_own_positions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n"
        "- kind: Pod\n  metadata:\n    name: b\n",
    )
    docs = load_file(str(path)).documents
    assert [(d.kind, d.name, d.line) for d in docs] == [("Service", "a", 4), ("Pod", "b", 6)]
    assert docs[1].locate(("metadata", "name")) == Mark(8, 11)


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "a: 1\n---\nspec:\n  containers:\n  - name: web\n    image: nginx\n")
    doc = load_file(str(path)).documents[1]
    assert doc.locate(("spec", "containers", 0, "image")) == Mark(6, 12)
    assert doc.locate(("spec", "containers", 0, "image"), key=True) == Mark(6, 5)
    # a path that is not there falls back to its nearest ancestor's key
    assert doc.locate(("spec", "containers", 0, "resources", "limits")) == Mark(5, 5)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"kind: Pod\n")))
    result = load_file("-")
    assert result.name == "<stdin>"
    assert result.documents[0].file == "<stdin>"
