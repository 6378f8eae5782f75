"""``manikit patch``: RFC 7386 merge patches, and bad patches said without a traceback."""

from __future__ import annotations

from pathlib import Path

from manikit.cli.patch_cmd import merge_patch
from tests.cli.cluster_state import State
from tests.runtime.control_plane import deployment


def test_merge_patch_rfc7386() -> None:
    target = {"metadata": {"name": "p", "finalizers": ["a"], "labels": {"x": "1"}}, "spec": {"n": 1}}
    patched = merge_patch(target, {"metadata": {"finalizers": None, "labels": {"y": "2"}}, "spec": {"n": 2}})
    assert patched == {"metadata": {"name": "p", "labels": {"x": "1", "y": "2"}}, "spec": {"n": 2}}
    assert target["metadata"]["finalizers"] == ["a"]  # the target is not changed in place


def test_patch_changes_an_object_and_refuses_bad_json(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment(replicas=1))
    done = state.run("patch", "deploy", "web", "-p", '{"spec":{"replicas":2}}')
    assert done.exit_code == 0 and done.stdout.strip() == "deployment.apps/web patched"
    assert state.run("get", "deploy", "web").stdout.splitlines()[1].split()[1] == "2/2"
    bad = state.run("patch", "deploy", "web", "-p", "{spec: 2")
    assert bad.exit_code == 2 and "--patch is not JSON" in bad.stderr and "Traceback" not in bad.stderr
