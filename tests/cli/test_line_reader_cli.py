"""`manikit validate` and `manikit lint` say the same, byte for byte, whether a stream is read line by
line (source/yamllines.py) or by libyaml's builders: text, JSON and SARIF output and exit codes, with
errors planted at many lines, in one process and in workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.source import yamlfast, yamllines
from manikit.source.yamlplain import Unusual
from manikit.validate import pieces
from tests.cli.helpers import run_cli

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{team}  # a comment
  labels:
    app: app-{i}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
      - name: web
        image: nginx:{tag}
        ports:
        - containerPort: 8080
          name: http
        resources:
          requests:
            cpu: 100m
            memory: {memory}
          limits: {{}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  {name_key}: app-{i}
spec:
  selector:
    app: app-{i}
  ports:
  - port: {port}
    targetPort: "http"
"""


def _stream(count: int) -> str:
    docs = []
    for i in range(count):
        docs.append(
            DEPLOYMENT.format(
                i=i,
                team=i % 3,
                replicas=-1 if i % 7 == 3 else 0,
                tag="latest" if i % 5 == 1 else "1.25",
                memory="128mi" if i % 6 == 2 else "128Mi",
            )
        )
        docs.append(
            SERVICE.format(i=i, name_key="nmae" if i % 9 == 4 else "name", port=-1 if i % 4 == 0 else 80)
        )
    docs.append(DEPLOYMENT.format(i=2, team=2, replicas=0, tag="1.25", memory="1Gi"))  # a duplicate object
    return "---\n".join(docs)


def _outputs(path: Path, jobs: str) -> list[tuple[int, str, str]]:
    commands = [
        ("validate", str(path)),
        ("validate", "-o", "json", str(path)),
        ("lint", str(path)),
        ("lint", "-o", "json", str(path)),
        ("lint", "-o", "sarif", str(path)),
    ]
    results = [run_cli(*command, "--jobs", jobs) for command in commands]
    return [(r.exit_code, r.stdout, r.stderr) for r in results]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_line_reader_changes_no_byte_of_any_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 4_000)  # several pieces with two workers
    path = tmp_path / "all.yaml"
    path.write_text(_stream(40), encoding="utf-8")
    assert yamllines.load_lines(path.read_text(encoding="utf-8"))  # the line reader reads this stream
    line_by_line = _outputs(path, jobs)

    def hand_over(text: str) -> list[tuple[object, int]]:
        raise Unusual("switched off for the test")

    monkeypatch.setattr(yamlfast, "load_lines", hand_over)
    by_libyaml = _outputs(path, jobs)
    assert line_by_line == by_libyaml
    codes = [code for code, _, _ in line_by_line]
    assert codes == [1, 1, 1, 1, 1]  # errors found, and said
    validate_text = line_by_line[0][1]
    for expected in ("MK001", "MK002", "MK201", "128mi"):
        assert expected in validate_text, expected
