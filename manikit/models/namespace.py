"""Namespace (v1)."""

from typing import Literal

from pydantic import Field

from manikit.models.base import K8sModel
from manikit.models.meta import TypeMeta
from manikit.models.pod import Condition


class NamespaceSpec(K8sModel):
    finalizers: list[str] | None = None


class NamespaceStatus(K8sModel):
    phase: Literal["Active", "Terminating"] | None = None
    conditions: list[Condition] | None = None


class Namespace(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["Namespace"] = "Namespace"
    spec: NamespaceSpec | None = None
    status: NamespaceStatus | None = Field(None)
