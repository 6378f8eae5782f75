"""The mutation suite: realistic manifests, one field changed at a time, each mutant labelled with what
the Kubernetes v1.31 API server does with it. Every mutant the server rejects must be an error of
``manikit validate``; a mutant it accepts must get no error at all."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from manikit.diagnostics import Level
from manikit.source.documents import load_text
from manikit.source.reader import SourceText
from manikit.validate.validator import validate_documents
from tests.cli.helpers import run_cli
from tests.validate.mutations.fixtures import BASES, base
from tests.validate.mutations.table import DELETE, MUTATIONS, Mutation
from tests.validate.mutations.table import Path as DataPath


def mutate(mutation: Mutation) -> dict[str, Any]:
    data = base(mutation.base)
    for path, value in mutation.ops:
        _apply(data, path, value)
    return data


def _apply(data: Any, path: DataPath, value: Any) -> None:
    node = data
    for step in path[:-1]:
        node = node[step]
    last = path[-1]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value


def _text(data: dict[str, Any]) -> str:
    """JSON is YAML; floats keep their ``.0`` as a YAML file would write them."""
    return json.dumps(data, indent=2)


def errors_of(text: str) -> list[str]:
    loaded = load_text(SourceText("mutant.yaml", text))
    result = validate_documents(loaded.documents)
    return [p.headline() for p in [*loaded.problems, *result.problems] if p.level is Level.ERROR]


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_base_manifest_is_valid(name: str) -> None:
    assert errors_of(_text(base(name))) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutant_is_judged_as_the_api_server_judges_it(mutation: Mutation) -> None:
    errors = errors_of(_text(mutate(mutation)))
    if mutation.verdict == "R":
        assert errors, f"{mutation.id}: the API server rejects this, manikit validate reported nothing"
    else:
        assert errors == [], f"{mutation.id}: the API server accepts this"


def test_every_bullet_has_rejected_and_accepted_mutants() -> None:
    verdicts = Counter((m.bullet, m.verdict) for m in MUTATIONS)
    for bullet in {m.bullet for m in MUTATIONS} - {"kind", "other"}:
        assert verdicts[(bullet, "R")] and verdicts[(bullet, "A")], bullet
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS)


def test_the_cli_exits_1_on_every_rejected_mutant_and_0_on_the_accepted(tmp_path: Path) -> None:
    rejected, accepted = tmp_path / "rejected", tmp_path / "accepted"
    rejected.mkdir()
    accepted.mkdir()
    for mutation in MUTATIONS:
        folder = rejected if mutation.verdict == "R" else accepted
        (folder / f"{mutation.id}.yaml").write_text(_text(mutate(mutation)))
    result = run_cli("validate", "--format", "json", str(rejected))
    assert result.exit_code == 1
    files_with_errors = {
        Path(p["file"]).stem for p in json.loads(result.stdout)["problems"] if p["level"] == "error"
    }
    missed = sorted({m.id for m in MUTATIONS if m.verdict == "R"} - files_with_errors)
    assert missed == []
    result = run_cli("validate", "--format", "json", str(accepted))
    # the accepted mutants share names, so only duplicate-object (MK201) may be reported across them
    codes = {p["code"] for p in json.loads(result.stdout)["problems"] if p["level"] == "error"}
    assert codes <= {"MK201"}, result.stdout
