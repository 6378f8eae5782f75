"""Every kind's rules, listed explicitly (a kind listed twice fails at import), and the calls that
validate, lint, admission and the planner make: nobody else decides these things."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from manikit.kinds.field import FieldError
from manikit.models.meta import TypeMeta
from manikit.models.registry import is_namespaced

Body = dict[str, Any]
T = TypeVar("T", bound=TypeMeta)
DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class KindRules:
    kind: str
    namespaced: bool
    allocated: tuple[tuple[str, ...], ...]  # fields the control plane sets when a manifest leaves them out
    validate_create: Callable[[Any], list[FieldError]]
    validate_update: Callable[[Body, Body], list[FieldError]]  # immutable fields
    forces_replacement: Callable[[str, str, Body], bool]  # (plan path, change kind, recorded body)
    keep_allocated: Callable[[Body, Body], None]  # carry allocated fields over to an update
    default: Callable[[Any], None]  # the API server's defaults, in place


def _no_errors(old: Body, new: Body) -> list[FieldError]:
    return []


def _never(path: str, change_kind: str, before: Body) -> bool:
    return False


def _nothing(old: Body, new: Body) -> None:
    return None


def _no_defaults(obj: Any) -> None:
    return None


def _rules_of(m: Any) -> KindRules:
    return KindRules(
        m.KIND,
        m.NAMESPACED,
        m.ALLOCATED,
        m.validate_create,
        getattr(m, "validate_update", _no_errors),  # a kind without update rules: all mutable
        getattr(m, "forces_replacement", _never),
        getattr(m, "keep_allocated", _nothing),
        getattr(m, "default", _no_defaults),
    )


class KindRulesTable(Mapping[str, KindRules]):
    """Kind -> its rules, each kind's module (and so its models) imported when the kind is first looked
    up: validating a Service does not build the pod models (issue 17)."""

    def __init__(self, modules: Iterable[tuple[str, str]]) -> None:
        self._modules: dict[str, str] = {}
        for kind, module in modules:
            if kind in self._modules:
                raise ValueError(f"kind {kind} has rules twice")
            self._modules[kind] = module
        self._loaded: dict[str, KindRules] = {}

    def __getitem__(self, kind: str) -> KindRules:
        rules = self._loaded.get(kind)
        if rules is None:
            module = importlib.import_module(f"manikit.kinds.{self._modules[kind]}")
            if kind != module.KIND:  # a wiring bug
                raise LookupError(f"{module.__name__} has the rules of {module.KIND}, not of {kind}")
            rules = self._loaded[kind] = _rules_of(module)
        return rules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


#: each kind's rules module, listed explicitly (a kind listed twice fails at import)
KIND_RULES = KindRulesTable(
    [
        ("Pod", "pod"),
        ("ReplicaSet", "replicaset"),
        ("Deployment", "deployment"),
        ("Service", "service"),
        ("Namespace", "namespace"),
        ("Node", "node"),
        ("ConfigMap", "configmap"),
    ]
)


def apply_defaults(obj: T, namespace: str = DEFAULT_NAMESPACE, *, in_place: bool = False) -> T:
    """Defaulting as the API server does it: a defaulted deep copy of ``obj`` (the input untouched),
    or ``obj`` itself with ``in_place=True`` when the caller owns it. The API uses it on every write
    and the planner on every desired object, so a value written out and the same value left to its
    default never differ."""
    out = obj if in_place else type(obj).model_validate(obj.to_k8s(), by_alias=True)  # faster than deepcopy
    rules = KIND_RULES.get(out.kind)
    namespaced = rules.namespaced if rules is not None else is_namespaced(out.kind)
    if namespaced and not out.metadata.namespace:
        out.metadata.namespace = namespace
    if rules is not None:
        rules.default(out)
    return out


def validate_create(obj: TypeMeta) -> list[FieldError]:
    """What the API server refuses on create, beyond the schema (the model's types)."""
    rules = KIND_RULES.get(obj.kind)
    return rules.validate_create(obj) if rules is not None else []


def validate_update(kind: str, old: Body, new: Body) -> list[FieldError]:
    rules = KIND_RULES.get(kind)
    return rules.validate_update(old, new) if rules is not None else []


def forces_replacement(kind: str, path: str, change_kind: str, before: Body) -> bool:
    rules = KIND_RULES.get(kind)
    return rules is not None and rules.forces_replacement(path, change_kind, before)


def keep_allocated(kind: str, old: Body, new: Body) -> None:
    rules = KIND_RULES.get(kind)
    if rules is not None:
        rules.keep_allocated(old, new)


def allocated_fields(kind: str) -> tuple[tuple[str, ...], ...]:
    rules = KIND_RULES.get(kind)
    return rules.allocated if rules is not None else ()
