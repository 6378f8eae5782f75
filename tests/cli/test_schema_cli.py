import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from manikit.models.schemas import all_schemas, dumps
from manikit.source.documents import load_file
from manikit.source.reader import expand_paths
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES, REPO

SCHEMAS = REPO / "schemas"


def test_committed_schemas_match_the_models() -> None:
    for name, schema in all_schemas().items():
        committed = (SCHEMAS / name).read_text(encoding="utf-8")
        assert committed == dumps(schema), f"schemas/{name} drifted from the models: run `make schemas`"


def test_schema_command_writes_and_checks(tmp_path: Path) -> None:
    assert run_cli("schema", "--check", "--out", str(tmp_path)).exit_code == 1
    assert run_cli("schema", "--out", str(tmp_path)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(all_schemas())
    assert run_cli("schema", "--check", "--out", str(tmp_path)).exit_code == 0


def _validator() -> jsonschema.Draft202012Validator:
    registry: Registry = Registry()
    for path in SCHEMAS.glob("*.json"):
        registry = registry.with_resource(path.name, Resource.from_contents(json.loads(path.read_text())))
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    return jsonschema.Draft202012Validator(root, registry=registry)


@pytest.mark.parametrize("path", expand_paths([str(EXAMPLES)]), ids=lambda p: Path(p).name)
def test_every_example_validates_against_the_schemas(path: str) -> None:
    validator = _validator()
    docs = load_file(path).documents
    assert docs
    for doc in docs:
        assert list(validator.iter_errors(doc.data)) == []


def test_schemas_reject_what_the_models_reject() -> None:
    bad = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "imagePullPolicy": "Sometimes", "imagee": "x"}]},
    }
    assert list(_validator().iter_errors(bad))
    other = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c"}, "data": {"a": "Yg=="}}
    assert list(_validator().iter_errors(other)) == []
