"""The base of every Kubernetes model: camelCase aliases, strict types, unknown fields forbidden.

Kubernetes decodes JSON strictly (a string is not an integer) and, with field validation on, refuses
unknown fields; the models do the same so that a typo is an error with a did-you-mean, not a no-op.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError

from manikit.models import prebuilt

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
M = TypeVar("M", bound=BaseModel)


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


def validate_checked(model: type[M], data: Any) -> M:
    """``model.model_validate(data, by_alias=True, by_name=False)``, with the same result, faster.

    ``_within_int64`` is a Python call per model instance (a Deployment has dozens). A second
    validator bounds the integers in pydantic-core instead and is stricter everywhere else (values it
    cannot bound are checked whole, in Python): what it accepts the checked one accepts alike. When it
    refuses, the checked validator runs, so errors are exactly the checked ones."""
    validator = _BOUNDED.get(model)
    if validator is None and model not in _BOUNDED:
        seen = _SEEN[model] = _SEEN.get(model, 0) + 1
        if seen > BOUNDED_AFTER:  # building it costs milliseconds: only for many objects of a kind
            validator = _BOUNDED[model] = _bounded_validator(model)
    if validator is not None:
        try:
            return validator.validate_python(data, by_alias=True, by_name=False)  # type: ignore[no-any-return]
        except ValidationError:
            pass
    return model.model_validate(data, by_alias=True, by_name=False)


BOUNDED_AFTER = 64  # objects of a kind validated by the checked validator before the bounded is built
_BOUNDED: dict[type[BaseModel], SchemaValidator | None] = {}
_SEEN: dict[type[BaseModel], int] = {}
#: schemas that accept no int (or bound it themselves through their children)
_NO_INTS = frozenset({"str", "bool", "none", "literal", "definition-ref", "bytes"})
_WALKED = frozenset(
    {"model", "model-fields", "model-field", "default", "nullable", "list", "dict", "union", "definitions"}
) | {"function-after"}
_CHILDREN = ("schema", "items_schema", "keys_schema", "values_schema")


def _bounded_validator(model: type[BaseModel]) -> SchemaValidator | None:
    """``model``'s validator with integers bounded in its core schema; None (the checked validator
    only) if it cannot be built. pydantic-core reuses the validator of each model class already built
    (``_within_int64`` included) in place of its schema: those classes read as unbuilt meanwhile."""
    model.model_rebuild()  # the deferred build (or the kept schema): a no-op once built
    schema = model.__pydantic_core_schema__
    models: list[type[BaseModel]] = []
    try:
        bounded = _bounded(schema, models)
    except (KeyError, TypeError):
        return None
    built = [cls for cls in models if cls.__dict__.get("__pydantic_complete__")]
    try:
        for cls in built:
            cls.__pydantic_complete__ = False
        return SchemaValidator(bounded, _core_config(schema))
    except Exception:  # a schema shape not foreseen here only costs the speed-up
        return None
    finally:
        for cls in built:
            cls.__pydantic_complete__ = True


def _bounded(schema: Any, models: list[type[BaseModel]]) -> Any:
    kind = schema["type"]
    if kind == "function-before" and _is_int64_check(schema["function"].get("function")):
        return _bounded(schema["schema"], models)
    if kind == "int":
        return {
            **schema,
            "le": min(schema.get("le", INT64_MAX), INT64_MAX),
            "ge": max(schema.get("ge", INT64_MIN), INT64_MIN),
        }
    if kind in _NO_INTS:
        return schema
    if kind not in _WALKED:  # any, float, a Python validator (quantities): the whole value is walked
        return {
            "type": "function-before",
            "function": {"type": "no-info", "function": _refuse_big_ints},
            "schema": schema,
        }
    out = dict(schema)
    for key in _CHILDREN:
        if key in schema:
            out[key] = _bounded(schema[key], models)
    if kind == "model":
        models.append(schema["cls"])
    elif kind == "model-fields":
        out["fields"] = {name: _bounded(f, models) for name, f in schema["fields"].items()}
        if schema.get("extras_schema") is not None:
            out["extras_schema"] = _bounded(schema["extras_schema"], models)
    elif kind == "definitions":
        out["definitions"] = [_bounded(d, models) for d in schema["definitions"]]
    elif kind == "union":
        out["choices"] = [
            (_bounded(c[0], models), c[1]) if isinstance(c, tuple) else _bounded(c, models)
            for c in schema["choices"]
        ]
    return out


def _refuse_big_ints(value: Any) -> Any:
    """Refuses (only to hand over to the checked validator) a value holding an integer beyond int64."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is int:
            if not INT64_MIN <= item <= INT64_MAX:
                raise PydanticCustomError("int64_range", "beyond int64")
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return value


def _is_int64_check(function: Any) -> bool:
    owner = getattr(function, "__self__", None)
    return (
        getattr(function, "__name__", None) == "_within_int64"
        and isinstance(owner, type)
        and issubclass(owner, K8sModel)
    )


def _core_config(schema: Any) -> Any:
    while schema.get("type") in ("definitions", "function-before"):
        schema = schema["schema"]
    return schema.get("config")


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
