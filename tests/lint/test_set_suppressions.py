"""The findings on the whole input set (duplicates, cross-object rules) are suppressed from what the
workers sent back (each object's ignore annotation, each file's ignore comments), without reading the
files again: the suppressions rebuilt in the parent are those ``file_suppressions`` reads from the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.lint.config import LintConfig
from manikit.lint.engine import FileLint, LintSetup, _joined, _lint_task, lint_file, lint_files
from manikit.lint.suppress import file_suppressions
from manikit.source.documents import load_file
from manikit.validate import pieces
from tests.lint.test_pieces import _big

FIXTURES = Path(__file__).parent / "fixtures" / "rules"

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: lonely-{i}
  namespace: {namespace}
{annotations}spec:
  selector: {{app: nobody-{i}}}
  ports:
  - port: 80
"""

LONELY_3_IN_A_LIST = SERVICE.format(i=3, namespace="a", annotations="").replace("\n", "\n  ").rstrip()
VARIED = "\n---\n".join(
    [
        SERVICE.format(i=0, namespace="shop", annotations=""),
        SERVICE.format(
            i=1, namespace="shop", annotations='  annotations: {manikit.dev/ignore: "MK204, host-port"}\n'
        ),
        SERVICE.format(i=2, namespace="ops", annotations="").replace(
            "  selector:", "  # manikit: ignore[service-selects-nothing]\n  selector:"
        ),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: ignored}\n",
        "apiVersion: v1\nkind: List\nitems:\n- "
        + LONELY_3_IN_A_LIST
        + "\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}",
        "- not\n- a mapping\n",
        "kind: Service\nmetadata: {name: 7, namespace: ''}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, annotations: {manikit.dev/ignore: MK201}}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}  # manikit: ignore[MK201]\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    ]
)


def _setup() -> LintSetup:
    config = LintConfig()
    return LintSetup(config.enabled(), config.options, (), "default", config.ignores)


def _inputs() -> list[Path]:
    files = sorted(FIXTURES.glob("*/*.yaml"))
    assert len(files) > 40
    return files


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rebuilt_suppressions_are_those_read_from_the_file(path: Path) -> None:
    linted = lint_file(_setup(), str(path))
    docs = load_file(str(path)).documents
    assert linted.suppressions("default") == file_suppressions(str(path), docs, "default")


def test_rebuilt_suppressions_of_varied_documents(tmp_path: Path) -> None:
    path = tmp_path / "varied.yaml"
    path.write_text(VARIED, encoding="utf-8")
    linted = lint_file(_setup(), str(path))
    rebuilt = linted.suppressions("team")
    assert rebuilt == file_suppressions(str(path), load_file(str(path)).documents, "team")
    assert len(rebuilt.subjects) == 10  # the List's two items, not the list; not the sequence
    assert {s.namespace for s in rebuilt.subjects} >= {"shop", "ops", "a", "team", ""}
    assert sum(bool(s.ignored) for s in rebuilt.subjects) == 2
    assert len(rebuilt.lines) == 2


def test_rebuilt_suppressions_of_a_file_linted_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)
    path = tmp_path / "all.yaml"
    text = _big(50).replace(
        "  name: lonely-9\n", "  name: lonely-9\n  annotations: {manikit.dev/ignore: MK204}\n"
    )
    path.write_text(text, encoding="utf-8")
    tasks = pieces.plan_tasks([str(path)], workers=2)
    assert len(tasks) > 2
    setup = _setup()
    joined = _joined([_lint_task(setup, task) for task in tasks])
    assert isinstance(joined, FileLint)
    whole = file_suppressions(str(path), load_file(str(path)).documents, "default")
    assert joined.suppressions("default") == whole
    assert any(s.ignored for s in whole.subjects) and whole.lines


def _codes(tmp_path: Path, text: str, jobs: int) -> list[tuple[int, str]]:
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    report = lint_files([str(path)], LintConfig(), jobs=jobs)
    return [(p.line, p.code) for p in report.problems]


@pytest.mark.parametrize("jobs", [1, 2])
def test_set_findings_are_suppressed_by_annotations_and_comments(tmp_path: Path, jobs: int) -> None:
    found = _codes(tmp_path, VARIED, jobs)
    selects_nothing = [line for line, code in found if code == "MK204"]
    assert len(selects_nothing) == 2  # lonely-0 and the List's lonely-3; lonely-1 and -2 suppressed
    duplicates = [line for line, code in found if code == "MK201"]
    assert len(duplicates) == 1  # four ConfigMaps c: of the three duplicates, one by annotation and one
    # by a comment suppressed
    unsuppressed = _codes(tmp_path, VARIED.replace("manikit.dev/ignore", "x").replace("manikit:", "x"), jobs)
    assert len([c for _, c in unsuppressed if c == "MK204"]) == 4
    assert len([c for _, c in unsuppressed if c == "MK201"]) == 3


def test_set_findings_suppressed_in_a_file_linted_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)
    text = _big(60).replace(
        "  name: lonely-9\n", "  name: lonely-9\n  annotations: {manikit.dev/ignore: MK204}\n"
    )
    suppressed = _codes(tmp_path, text, jobs=2)
    assert suppressed == _codes(tmp_path, text, jobs=1)
    unsuppressed = _codes(tmp_path, _big(60), jobs=2)
    assert (
        len([c for _, c in suppressed if c == "MK204"])
        == len([c for _, c in unsuppressed if c == "MK204"]) - 1
    )
