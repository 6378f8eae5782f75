"""JSON Schemas generated from the models: one per kind and one for any manifest, for editors
(yaml-language-server) and for the jsonschema validation path.

The files carry no $id: the manifest schema's relative $refs resolve against wherever the files lie.
"""

from __future__ import annotations

import json
from typing import Any

from manikit.models.registry import KINDS

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(kind: str) -> str:
    return f"{kind.lower()}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind, self-contained (its own $defs)."""
    info = next(i for i in KINDS.values() if i.kind == kind)
    schema = info.model.model_json_schema(by_alias=True, mode="validation")
    schema["properties"]["apiVersion"] = {"const": info.api_version}
    schema["properties"]["kind"] = {"const": info.kind}
    schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind"})
    return {"$schema": DIALECT, **schema}


def manifest_schema() -> dict[str, Any]:
    """Any manifest: the modelled kinds are checked by their schema, other kinds only need the basics."""
    branches = [
        {
            "if": {
                "properties": {"apiVersion": {"const": i.api_version}, "kind": {"const": i.kind}},
                "required": ["apiVersion", "kind"],
            },
            "then": {"$ref": schema_file_name(i.kind)},
        }
        for i in KINDS.values()
    ]
    return {
        "$schema": DIALECT,
        "title": "Kubernetes manifest (manikit)",
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}},
        "allOf": branches,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, in a stable order."""
    out = {schema_file_name(i.kind): kind_schema(i.kind) for i in KINDS.values()}
    out["manifest.schema.json"] = manifest_schema()
    return out


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
