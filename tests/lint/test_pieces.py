"""lint of one big file cut into pieces on several processes reports exactly what the sequential path
reports: per-object rules, cross-object rules (located through document indexes), suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.lint.config import LintConfig
from manikit.lint.engine import lint_files
from manikit.validate import pieces
from tests.validate.test_pieces import _stream

LONELY = """\
apiVersion: v1
kind: Service
metadata:
  name: lonely-{i}
spec:
  selector: {{app: nobody-{i}}}
  ports:
  - port: 80
    targetPort: web  # manikit: ignore[MK105]
"""


def _big(count: int) -> str:
    docs = _stream(count).split("\n---\n")
    for i in range(0, len(docs), 9):
        docs[i] += "\n---\n" + LONELY.format(i=i).rstrip("\n")
    return "\n---\n".join(docs)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)


def _report(tmp_path: Path, jobs: int) -> list[dict[str, object]]:
    report = lint_files([str(tmp_path / "all.yaml")], LintConfig(), jobs=jobs)
    assert report.documents > 100
    return [{**p.to_dict(), "documents": report.documents} for p in report.problems]


def test_lint_in_pieces_reports_what_lint_in_one_process_does(tmp_path: Path, small_pieces: None) -> None:
    (tmp_path / "all.yaml").write_text(_big(50), encoding="utf-8")
    assert len(pieces.plan_tasks([str(tmp_path / "all.yaml")], workers=2)) > 2
    sequential = _report(tmp_path, jobs=1)
    assert _report(tmp_path, jobs=2) == sequential
    codes = {p["code"] for p in sequential}
    assert {"MK101", "MK005"} <= codes  # validation's findings, per document
    lonely = [p for p in sequential if "lonely-" in str(p.get("object", ""))]
    assert lonely != []  # a cross-object rule's findings, located in their documents
    assert len({p["line"] for p in lonely}) == len(lonely) > 3


def test_the_lint_cli_reports_the_same_with_one_or_two_workers(tmp_path: Path, small_pieces: None) -> None:
    from tests.cli.helpers import run_cli

    big = tmp_path / "all.yaml"
    big.write_text(_big(40), encoding="utf-8")
    one = run_cli("lint", "-o", "json", "--jobs", "1", str(big))
    two = run_cli("lint", "-o", "json", "--jobs", "2", str(big))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
