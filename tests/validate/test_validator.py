from pathlib import Path

import pytest

from manikit.diagnostics import Level
from manikit.source.documents import load_file
from manikit.validate.pipeline import duplicate_problems, map_files, validate_file
from manikit.validate.validator import find_duplicates, validate_documents
from tests.conftest import write

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          limits:
            memory: 128mi
            cpu: 500m
        ports:
        - containerPort: 80
          protocl: TCP
      volumes:
      - name: data
        scaleIO: {gateway: g, system: s, secretRef: {name: a}, protectionDoamin: pd}
"""


def problems_of(tmp_path: Path, text: str, name: str = "f.yaml") -> list[tuple[int, int, str, str, str]]:
    path = write(tmp_path, name, text)
    result = validate_documents(load_file(str(path)).documents)
    return [(p.line, p.col, p.code, p.path, p.message) for p in sorted(result.problems)]


def test_every_error_with_position_path_and_fix(tmp_path: Path) -> None:
    found = problems_of(tmp_path, DEPLOYMENT)
    assert found == [
        (
            18,
            21,
            "MK101",
            "spec.template.spec.containers[name=web].resources.limits.memory",
            '"128mi" is not a valid quantity; did you mean "128Mi"?',
        ),
        (
            22,
            11,
            "MK002",
            "spec.template.spec.containers[name=web].ports[0].protocl",
            'unknown field "protocl"; did you mean "protocol"?',
        ),
        (
            25,
            64,
            "MK002",
            "spec.template.spec.volumes[name=data].scaleIO.protectionDoamin",
            'unknown field "protectionDoamin"; did you mean "protectionDomain"?',
        ),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: sds}]\n",
            (5, 18, "MK001"),
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: '3'\n",
            (5, 13, "MK001"),
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Sometimes\n",
            (5, 18, "MK001"),
        ),
        ("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: d}\n", (1, 13, "MK007")),
        ("apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n", (1, 13, "MK013")),
        ("kind: Pod\nmetadata: {name: p}\n", (1, 1, "MK006")),
        ("apiVersion: v1\nmetadata: {name: p}\n", (1, 1, "MK006")),
        ("- a\n- b\n", (1, 1, "MK006")),
    ],
    ids=[
        "port-string",
        "replicas-string",
        "enum",
        "removed-api",
        "wrong-api",
        "no-apiversion",
        "no-kind",
        "list",
    ],
)
def test_reports(tmp_path: Path, text: str, expected: tuple[int, int, str]) -> None:
    assert expected in [found[:3] for found in problems_of(tmp_path, text)]


def test_missing_required_field_points_at_the_parent(tmp_path: Path) -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n"
    found = problems_of(tmp_path, text)
    assert [(line, code, path) for line, _, code, path, _ in found] == [
        (4, "MK003", "spec.selector"),
        (4, "MK003", "spec.template"),
    ]


def test_removed_api_names_the_replacement(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n")
    assert "use apiVersion: apps/v1" in found[0][4]


@pytest.mark.parametrize(
    ("api_version", "kind", "served"),
    [("v1", "Deployment", "apps/v1"), ("apps/v1", "Node", "v1"), ("apps/v1", "Service", "v1")],
)
def test_a_known_kind_under_another_api_version_names_the_served_one(
    tmp_path: Path, api_version: str, kind: str, served: str
) -> None:
    found = problems_of(tmp_path, f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n")
    assert [(f[2], f[4]) for f in found] == [
        ("MK013", f'{kind} is served as apiVersion "{served}", not "{api_version}"')
    ]


def test_other_kinds_are_passed_over_not_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: c}\ndata: {a: Yg==}\n")
    result = validate_documents(load_file(str(path)).documents)
    assert result.problems == []
    assert result.passed_over == {"Secret": 1}


def test_kustomize_patch_is_a_notice(tmp_path: Path) -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n"
    found = problems_of(tmp_path, text, "overlays/prod/patch.yaml")
    assert [(code, "kustomize patch" in msg) for _, _, code, _, msg in found] == [("MK014", True)]
    deleted = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n$patch: delete\n"
    assert [f[2] for f in problems_of(tmp_path, deleted, "x.yaml")] == ["MK014"]


def test_a_patch_leaving_out_a_value_the_server_requires_is_a_notice(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n"
    assert [f[2] for f in problems_of(tmp_path, text, "overlays/prod/svc.yaml")] == ["MK014"]
    assert [f[2] for f in problems_of(tmp_path, text, "base/svc.yaml")] == ["MK003"]  # spec.ports


def test_duplicates_by_kind_namespace_and_name(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: other}\n---\n"
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv, namespace: x}\n---\n"
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\n"
    )
    docs = load_file(str(write(tmp_path, "d.yaml", text))).documents
    found = find_duplicates(docs)
    assert [(p.line, p.code) for p in found] == [(7, "MK201"), (19, "MK201")]
    assert "already defined at" in found[0].message


def test_duplicates_depend_on_the_default_namespace(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: team}\n"
    )
    docs = load_file(str(write(tmp_path, "d.yaml", text))).documents
    assert find_duplicates(docs) == []
    assert len(find_duplicates(docs, default_namespace="team")) == 1


def test_duplicates_across_files_through_the_pipeline(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    b = write(tmp_path, "b.yaml", "# comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n")
    outcomes = map_files([str(a), str(b)], validate_file, jobs=2)
    found = duplicate_problems(outcomes)
    assert [(Path(p.file).name, p.line, p.col) for p in found] == [("b.yaml", 5, 9)]
    assert found[0].level is Level.ERROR


def test_parallel_and_serial_agree(tmp_path: Path) -> None:
    files = [
        str(write(tmp_path, f"f{i}.yaml", DEPLOYMENT.replace("name: web\nspec", f"name: w{i}\nspec")))
        for i in range(6)
    ]
    serial = map_files(files, validate_file, jobs=1)
    parallel = map_files(files, validate_file, jobs=2)
    assert [o.problems for o in serial] == [o.problems for o in parallel]
