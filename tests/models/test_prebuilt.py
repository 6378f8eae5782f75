"""Model validators kept on disk (models/prebuilt.py): the kept schema is the built one, a later run
uses it instead of building, and a broken, foreign or switched-off cache is only a slower start."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manikit.models import prebuilt
from manikit.models.registry import INTERNAL_KINDS, KINDS

ROOT = Path(__file__).resolve().parents[2]

BAD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: -1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {limits: {memory: 128mi}}
        bogus: 1
"""

# Run in a fresh interpreter: validates a Deployment and says whether pydantic built a schema for it.
PROBE = """
import json, sys
from pydantic._internal import _model_construction
built = []
original = _model_construction.complete_model_class
def counting(cls, *args, **kwargs):
    built.append(cls.__name__)
    return original(cls, *args, **kwargs)
_model_construction.complete_model_class = counting
from manikit.cli.main import main
code = main(["validate", "-o", "json", sys.argv[1]])
print(json.dumps({"code": code, "built": built}))
"""


def _probe(cache: str, manifest: Path) -> tuple[dict[str, object], str]:
    env = {**os.environ, "MANIKIT_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(manifest)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    *report, last = done.stdout.strip().splitlines()

    return json.loads(last), "\n".join(report)


@pytest.mark.parametrize("info", [*KINDS.values(), *INTERNAL_KINDS.values()], ids=lambda i: i.kind)
def test_the_kept_schema_is_the_built_one(info: object) -> None:
    """The schema pickles by reference (models, validator functions), so what a later run reads back
    is equal to what pydantic built, functions included."""
    model = info.model  # type: ignore[attr-defined]
    model.model_rebuild(force=True)  # built here, not read from a cache
    schema = model.__pydantic_core_schema__
    assert pickle.loads(pickle.dumps(schema)) == schema
    assert prebuilt._model_config(schema, model) is not None  # what keep() writes beside it


def test_a_second_run_uses_the_kept_validator_and_reports_the_same(tmp_path: Path) -> None:
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(BAD_DEPLOYMENT, encoding="utf-8")
    cache = tmp_path / "cache"
    first, first_report = _probe(str(cache), manifest)
    assert first["code"] == 1 and "Deployment" in first["built"]  # type: ignore[operator]
    (kept,) = cache.glob("models-*")
    assert (kept / "manikit.models.workloads.Deployment").is_file()
    assert kept.stat().st_mode & 0o777 == 0o700
    second, second_report = _probe(str(cache), manifest)
    assert second == {"code": 1, "built": []}  # nothing built: read back
    assert second_report == first_report
    assert "bogus" in second_report and "128mi" in second_report  # the errors are still found


def test_a_broken_entry_is_built_again_and_rewritten(tmp_path: Path) -> None:
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(BAD_DEPLOYMENT, encoding="utf-8")
    cache = tmp_path / "cache"
    _, expected = _probe(str(cache), manifest)
    (entry,) = cache.glob("models-*/manikit.models.workloads.Deployment")
    entry.write_bytes(b"not a pickle")
    again, report = _probe(str(cache), manifest)
    assert "Deployment" in again["built"]  # type: ignore[operator]
    assert report == expected
    assert entry.read_bytes() != b"not a pickle"


def test_off_keeps_nothing(tmp_path: Path) -> None:
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(BAD_DEPLOYMENT, encoding="utf-8")
    env = {**os.environ, "MANIKIT_CACHE_DIR": "off", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "validate", str(manifest)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1 and "bogus" in done.stdout
    assert not (tmp_path / "xdg").exists()


def test_a_directory_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    monkeypatch.setenv(prebuilt.CACHE_ENV, str(shared))
    prebuilt._directory.cache_clear()
    try:
        directory = prebuilt._directory()
        assert directory is not None and Path(directory).parent == shared
        os.chmod(directory, 0o777)
        prebuilt._directory.cache_clear()
        assert prebuilt._directory() is None
    finally:
        prebuilt._directory.cache_clear()


def test_the_directory_changes_with_the_models_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit to a model must not read schemas kept for the old code."""
    copy = tmp_path / "models"
    copy.mkdir()
    here = Path(prebuilt.__file__).parent
    for source in here.glob("*.py"):
        (copy / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(prebuilt, "__file__", str(copy / "prebuilt.py"))
    before = prebuilt._code_tag()
    with (copy / "pod.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    assert prebuilt._code_tag() != before


def test_a_new_version_of_the_models_removes_the_stale_schemas_of_old_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "cache"
    old = base / "models-0123456789abcdef"
    old.mkdir(parents=True)
    (old / "manikit.models.workloads.Deployment").write_bytes(b"old")
    week_ago = time.time() - prebuilt.STALE_SECONDS - 60
    os.utime(old, (week_ago, week_ago))
    recent = base / "models-fedcba9876543210"  # another checkout's, in use: kept
    recent.mkdir()
    templates = base / "templates-0123456789abcdef"  # the template cache's: not ours to remove
    templates.mkdir()
    os.utime(templates, (week_ago, week_ago))
    monkeypatch.setenv(prebuilt.CACHE_ENV, str(base))
    prebuilt._directory.cache_clear()
    try:
        directory = prebuilt._directory()
    finally:
        prebuilt._directory.cache_clear()
    assert directory is not None
    kept = sorted(p.name for p in base.iterdir())
    assert kept == sorted([Path(directory).name, recent.name, templates.name])
