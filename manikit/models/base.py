"""The base of every Kubernetes model: camelCase aliases, strict types, unknown fields forbidden.

Kubernetes decodes JSON strictly (a string is not an integer) and, with field validation on, refuses
unknown fields; the models do the same so that a typo is an error with a did-you-mean, not a no-op.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from manikit.models import prebuilt

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


class K8sModel(BaseModel):
    """Base model: Python names in snake_case, Kubernetes names as aliases."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        populate_by_name=True,
        alias_generator=to_camel,
        validate_default=False,
        ser_json_inf_nan="constants",
        # Start-up time (issue 17): a model's validator is built when it is first used, so a command
        # that validates only Services never builds the pod models. The model modules also leave out
        # ``from __future__ import annotations``: pydantic would compile each string annotation.
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _within_int64(cls, data: Any) -> Any:
        """Kubernetes integers are at most int64 (Go's int64): a bigger one never reaches the control
        plane, where it would overflow every later computation. Nested models check their own."""
        if isinstance(data, dict):
            for key, value in data.items():  # every model of every document: kept lean
                kind = type(value)
                if kind is int:
                    if not INT64_MIN <= value <= INT64_MAX:
                        _out_of_range(key, value)
                elif kind is list:
                    for item in value:
                        if type(item) is int and not INT64_MIN <= item <= INT64_MAX:
                            _out_of_range(key, item)
        return data

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's build on first use, from the schema kept by an earlier run when there is one
        (prebuilt.py), and kept for the next run when there is not."""
        if cls.__pydantic_complete__ and not force:
            return None
        if not force and _types_namespace is None and prebuilt.load(cls):
            return True
        done = super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,  # this frame is one more
            _types_namespace=_types_namespace,
        )
        if done and cls.__pydantic_complete__:
            prebuilt.keep(cls)
        return done

    def to_k8s(self) -> dict[str, Any]:
        """The object as Kubernetes writes it: camelCase keys, absent fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def _out_of_range(key: object, value: int) -> None:
    digits = str(value)
    shown = digits if len(digits) <= 30 else f"{digits[:27]}... ({len(digits)} digits)"
    raise PydanticCustomError(
        "int64_range",
        "{key}: {value} is out of range: Kubernetes integers are 64-bit, at most {max}",
        {"key": str(key)[:60], "value": shown, "max": INT64_MAX},
    )


#: Kubernetes' IntOrString. Strict: "80" stays a string (a port name), 80 an integer.
IntOrString = int | str
#: a port's protocol (container ports, service ports)
Protocol = Literal["TCP", "UDP", "SCTP"]
#: A free-form object Kubernetes defines but manikit does not look inside.
Opaque = dict[str, Any]
NonNegativeInt = Annotated[int, Field(ge=0)]
#: Kubernetes' int32 fields (replicas, ports, counts), as the API server bounds them.
Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]
NonNegativeInt32 = Annotated[int, Field(ge=0, le=INT32_MAX)]
