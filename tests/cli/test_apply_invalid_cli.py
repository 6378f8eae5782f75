"""``manikit apply`` refuses objects the API server refuses: the validation errors at file:line:col,
then the server's answer in kubectl's words, and the state is left as it was."""

from __future__ import annotations

from pathlib import Path

from manikit.runtime.api import Api
from manikit.runtime.store import open_store
from tests.cli.helpers import run_cli
from tests.conftest import write

GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 500m}
            limits: {cpu: "1"}
"""

BAD = GOOD.replace("          image: nginx:1.27\n", "").replace(
    "requests: {cpu: 500m}", 'requests: {cpu: "2"}'
)


def test_apply_refuses_an_invalid_object_in_kubectl_words_and_writes_nothing(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    manifest = write(tmp_path, "web.yaml", GOOD)
    assert run_cli("apply", "--state", state, "--auto-approve", "--no-preview", str(manifest)).exit_code == 0
    api = Api(open_store(state))
    revision, stored = api.revision(), api.get("Deployment", "web")
    manifest.write_text(BAD)
    result = run_cli("apply", "--state", state, "--auto-approve", str(manifest))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f"{manifest}:13:11: error MK003 missing-field: spec.template.spec.containers[0].image: Required value"
        in (lines[0])
    )
    assert lines[1].startswith(
        f"{manifest}:15:29: error MK102 limit-below-request: "
        "spec.template.spec.containers[0].resources.requests[cpu]"
    )
    assert lines[2:5] == [
        'The Deployment "web" is invalid:',
        "* spec.template.spec.containers[0].image: Required value",
        '* spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "2": '
        "must be less than or equal to cpu limit of 1",
    ]
    assert lines[5] == "2 errors in the manifests: nothing planned"
    after = Api(open_store(state))
    assert after.revision() == revision and after.get("Deployment", "web") == stored


def test_plan_says_the_same(tmp_path: Path) -> None:
    manifest = write(tmp_path, "web.yaml", BAD)
    result = run_cli("plan", "--state", str(tmp_path / "state.db"), str(manifest))
    assert result.exit_code == 1
    assert 'The Deployment "web" is invalid:\n* spec.template.spec.containers[0].image: Required value\n' in (
        result.stderr
    )


def test_a_schema_error_is_worded_as_the_server_words_it(tmp_path: Path) -> None:
    manifest = write(
        tmp_path, "web.yaml", GOOD.replace("spec:\n  selector:", "spec:\n  replicas: -1\n  selector:")
    )
    result = run_cli("apply", "--state", str(tmp_path / "state.db"), "--auto-approve", str(manifest))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )
