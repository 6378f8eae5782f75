"""Compatibility with real public manifests in ../shared/corpus (skipped, visibly, when it is absent).

Outside invalid/ and kube-linter/ every error must be a real defect: the table below lists each one
with the reason. In invalid/, every defect NOTES.md lists that concerns the YAML itself, duplicate
objects or the five kinds must be reported; other kinds are passed over with a notice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from manikit.diagnostics import Level
from manikit.source.reader import expand_paths
from manikit.validate.pipeline import duplicate_problems, validate_file
from tests.cli.helpers import run_process
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"

# file (relative to corpus/) -> the error codes it must produce, and why
KNOWN_DEFECTS: dict[str, tuple[list[str], str]] = {
    "kubeconform/fixtures/same-kind-different-api.yaml": (
        ["MK007", "MK201"],
        "apps/v1beta1 Deployment (removed in 1.16), same name as the apps/v1 one",
    ),
    "kubeval/fixtures/null_array.yaml": (["MK007"], "extensions/v1beta1 Deployment (removed in 1.16)"),
    "kubeval/fixtures/valid.json": (["MK007"], "apps/v1beta1 Deployment (removed in 1.16)"),
    "kubernetes-examples/_archived/volumes/scaleio/pod.yaml": (["MK002"], "typo protectionDoamin"),
    "kubernetes-examples/_archived/volumes/fibre_channel/fc.yaml": (["MK001"], "lun: <ADD LUN ID Here>"),
    "kubernetes-examples/_archived/storage/vitess/etcd-service-template.yaml": (
        ["MK004"],
        "unrendered {{cell}}",
    ),
    "kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml": (
        ["MK001", "MK001", "MK001", "MK202"],
        "unrendered {{uid}}, {{keyspace}}, ... in the name and label values",
    ),
    "kubernetes-examples/_archived/openshift-origin/etcd-controller.yaml": (["MK005"], "selector twice"),
    "kubernetes-examples/_archived/openshift-origin/etcd-discovery-controller.yaml": (
        ["MK005"],
        "selector twice",
    ),
    "kubernetes-examples/_archived/openshift-origin/openshift-controller.yaml": (["MK005"], "selector twice"),
    # Real defects beyond the corpus README's list: the API server refuses these too.
    "kubernetes-examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml": (
        ["MK001"],
        'protocol "tcp" (must be TCP)',
    ),
    "kubernetes-examples/_archived/volumes/cinder/cinder-web.yaml": (
        ["MK001"],
        'protocol "tcp" (must be TCP)',
    ),
    "kubernetes-examples/_archived/volumes/rbd/rbd.yaml": (
        ["MK002", "MK002"],
        "imageformat/imagefeatures are StorageClass parameters, not RBD volume fields",
    ),
    "kubernetes-examples/_archived/volumes/storageos/storageos-pod.yaml": (
        ["MK002"],
        "pool is a StorageClass parameter, not a StorageOS volume field",
    ),
}


def _corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is not beside this checkout ({CORPUS})")
    return CORPUS


def _real_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    files = expand_paths([str(CORPUS)])
    return [f for f in files if Path(f).relative_to(CORPUS).parts[0] not in ("invalid", "kube-linter")]


def _errors(path: str) -> list[str]:
    outcome = validate_file(path)
    problems = outcome.problems + duplicate_problems([outcome])
    return sorted(p.code for p in problems if p.level is Level.ERROR)


@pytest.mark.corpus
@pytest.mark.parametrize("path", _real_files() or ["<corpus absent>"], ids=lambda p: Path(p).name)
def test_real_manifests_have_no_false_errors(path: str) -> None:
    corpus = _corpus()
    rel = Path(path).relative_to(corpus).as_posix()
    expected = KNOWN_DEFECTS.get(rel, ([], ""))[0]
    assert _errors(path) == sorted(expected), KNOWN_DEFECTS.get(rel, ("", "should be clean"))[1]


@pytest.mark.corpus
def test_known_defects_table_names_existing_files() -> None:
    corpus = _corpus()
    for rel in KNOWN_DEFECTS:
        assert (corpus / rel).is_file(), rel


@pytest.mark.corpus
def test_corpus_file_count_is_what_we_expect() -> None:
    _corpus()
    assert len(_real_files()) > 150


# invalid/: file -> (error codes expected, kinds passed over) as NOTES.md describes them
INVALID: dict[str, tuple[list[str], dict[str, int]]] = {
    # ReplicationController only: another kind, passed over with a notice
    "kubeconform/fixtures/invalid.yaml": ([], {"ReplicationController": 1}),
    "kubeconform/fixtures/multi_invalid.yaml": (["MK001"], {"ReplicationController": 3}),  # port: sds
    "kubeconform/fixtures/list_invalid.yaml": ([], {"ReplicationController": 1}),
    "kubeconform/fixtures/multi_invalid_resources.yaml": (["MK006"] * 5, {}),
    "kubeconform/fixtures/missing_apiversion.yaml": (["MK006"], {}),
    "kubeconform/fixtures/missing_kind.yaml": ([], {}),  # `key: value`: not a manifest, passed over
    "kubeconform/fixtures/missing_kind_value.yaml": (["MK006"], {}),
    "kubeconform/fixtures/duplicate_property.yaml": (["MK005"], {"DaemonSet": 1}),
    "kubeconform/fixtures/extra_property.yaml": ([], {"DaemonSet": 1}),
    "kubeval/fixtures/extra_property.yaml": ([], {"DaemonSet": 1}),
    "kubeconform/fixtures/test_crd.yaml": ([], {"TrainingJob": 1}),
    "kubeconform/fixtures/duplicates.yaml": (["MK201"], {"ReplicationController": 2}),
    "kubeconform/fixtures/duplicates-with-namespace.yaml": (["MK201"], {"ReplicationController": 2}),
    "kubeconform/fixtures/duplicates-non-namespaced.yaml": (["MK201"], {"PersistentVolume": 2}),
    "kubeconform/fixtures/duplicates-with-namespace-default.yaml": ([], {"ReplicationController": 2}),
    # v1 serves no kind SkipThisKind: kubectl says "no matches for kind" (MK015), the server never sees it
    "kubeconform/fixtures/duplicates-skipped-kinds.yaml": (["MK015", "MK015", "MK201"], {}),
    "kube-linter/tests/checks/kubeconform.yml": (["MK002"], {"DaemonSet": 1, "CustomResource": 1}),
    "kube-linter/pkg/command/lint/testdata/invalid.yaml": (["MK004"], {}),
}


@pytest.mark.corpus
@pytest.mark.parametrize("rel", sorted(INVALID), ids=lambda r: Path(r).name)
def test_invalid_fixtures_report_every_defect(rel: str) -> None:
    path = _corpus() / "invalid" / rel
    outcome = validate_file(str(path))
    errors = sorted(
        p.code for p in outcome.problems + duplicate_problems([outcome]) if p.level is Level.ERROR
    )
    codes, passed_over = INVALID[rel]
    assert errors == sorted(codes)
    assert dict(outcome.passed_over) == passed_over


@pytest.mark.corpus
def test_yaml_without_apiversion_or_kind_is_passed_over_unless_strict() -> None:
    path = str(_corpus() / "invalid" / "kubeconform" / "fixtures" / "missing_kind.yaml")
    assert validate_file(path).not_manifest
    strict = validate_file(path, strict_files=True)
    assert [p.code for p in strict.problems] == ["MK006"] and not strict.not_manifest


@pytest.mark.corpus
def test_duplicate_once_the_namespace_defaults() -> None:
    path = _corpus() / "invalid/kubeconform/fixtures/duplicates-with-namespace-default.yaml"
    outcome = validate_file(str(path))
    assert [p.code for p in duplicate_problems([outcome], "the-default-namespace")] == ["MK201"]


@pytest.mark.corpus
def test_invalid_table_covers_every_file() -> None:
    invalid = _corpus() / "invalid"
    files = {Path(f).relative_to(invalid).as_posix() for f in expand_paths([str(invalid)])}
    assert files == set(INVALID)


@pytest.mark.corpus
@pytest.mark.slow
def test_whole_corpus_through_the_cli_never_crashes() -> None:
    result = run_process("validate", "--quiet", str(_corpus()), timeout=300)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    counts = Counter(line.split()[2] for line in result.stdout.splitlines() if " error " in line)
    assert counts["MK002"] >= 4 and counts["MK007"] >= 3 and counts["MK005"] >= 4
