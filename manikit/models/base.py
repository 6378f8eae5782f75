"""The base of every Kubernetes model: camelCase aliases, strict types, unknown fields forbidden.

Kubernetes decodes JSON strictly (a string is not an integer) and, with field validation on, refuses
unknown fields; the models do the same so that a typo is an error with a did-you-mean, not a no-op.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class K8sModel(BaseModel):
    """Base model: Python names in snake_case, Kubernetes names as aliases."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        populate_by_name=True,
        alias_generator=to_camel,
        validate_default=False,
        ser_json_inf_nan="constants",
    )

    def to_k8s(self) -> dict[str, Any]:
        """The object as Kubernetes writes it: camelCase keys, absent fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class LooseModel(BaseModel):
    """For the few places where Kubernetes itself takes arbitrary content (status we do not model)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel)


#: Kubernetes' IntOrString. Strict: "80" stays a string (a port name), 80 an integer.
IntOrString = int | str
#: A free-form object Kubernetes defines but manikit does not look inside.
Opaque = dict[str, Any]
NonNegativeInt = Annotated[int, Field(ge=0)]
