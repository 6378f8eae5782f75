"""ObjectMeta, labels, annotations and label selectors, validated as apimachinery does (v1.31)."""

from __future__ import annotations

from collections.abc import Callable

from manikit.kinds import names
from manikit.kinds.field import NAME, ROOT, FieldError, FieldPath, invalid, required, too_long
from manikit.models.meta import ObjectMeta
from manikit.models.selector import LabelSelector

#: A kind's name rule: (name, prefix) -> messages (prefix: a generateName, which may end in '-').
NameRule = Callable[[str, bool], tuple[str, ...]]

TOTAL_ANNOTATION_SIZE = 256 * 1024
METADATA = ROOT.child("metadata")


def validate_object_meta(meta: ObjectMeta, namespaced: bool, name_rule: NameRule) -> list[FieldError]:
    """ValidateObjectMeta: name or generateName, namespace, labels, annotations."""
    path = METADATA
    errors: list[FieldError] = []
    if meta.generate_name:
        for message in name_rule(meta.generate_name, True):
            errors.append(invalid(path.child("generateName"), meta.generate_name, message, code=NAME))
    if not meta.name:
        if not meta.generate_name:
            errors.append(
                required(
                    path.child("name"), "name or generateName is required", hint="give the object a name"
                )
            )
    else:
        for message in name_rule(meta.name, False):
            errors.append(
                invalid(
                    path.child("name"), meta.name, message, code=NAME, hint=_name_hint(meta.name, name_rule)
                )
            )
    if namespaced and meta.namespace:  # (the server clears a cluster-scoped object's namespace)
        for message in names.dns1123_label(meta.namespace):
            errors.append(invalid(path.child("namespace"), meta.namespace, message, code=NAME))
    if meta.labels:
        errors.extend(validate_labels(meta.labels, path.child("labels")))
    if meta.annotations:
        errors.extend(validate_annotations(meta.annotations, path.child("annotations")))
    return errors


def _name_hint(name: str, rule: NameRule) -> str:
    fixed = names.suggest_name(name)
    return f'e.g. "{fixed}"' if fixed and fixed != name and not rule(fixed, False) else ""


def validate_labels(labels: dict[str, str] | None, path: FieldPath) -> list[FieldError]:
    """ValidateLabels: keys are qualified names, values label values (a map's errors name the map)."""
    errors: list[FieldError] = []
    for key, value in (labels or {}).items():
        for message in names.qualified_name(key):
            errors.append(invalid(path.key(key), key, message, at_key=True))
        for message in names.label_value(value):
            errors.append(invalid(path.key(key), value, message))
    return [_on_map(e, path) for e in errors]


def _on_map(error: FieldError, path: FieldPath) -> FieldError:
    """The server names the map (``metadata.labels``) while the position stays on the entry."""
    return FieldError(error.path.named(path), error.body, error.code, error.name, error.hint, error.at_key)


def validate_annotations(annotations: dict[str, str] | None, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    total = 0
    for key, value in (annotations or {}).items():
        for message in names.qualified_name(key.lower()):
            errors.append(_on_map(invalid(path.key(key), key, message, at_key=True), path))
        total += len(key) + len(value)
    if total > TOTAL_ANNOTATION_SIZE:
        errors.append(too_long(path, f"must have at most {TOTAL_ANNOTATION_SIZE} bytes"))
    return errors


def validate_label_selector(selector: LabelSelector, path: FieldPath) -> list[FieldError]:
    """ValidateLabelSelector: matchLabels as labels, each expression's key and values.

    The operator and whether values fit it are checked by the model already (MK001).
    """
    errors = validate_labels(selector.match_labels, path.child("matchLabels"))
    for i, requirement in enumerate(selector.match_expressions or []):
        at = path.child("matchExpressions").index(i)
        for message in names.qualified_name(requirement.key):
            errors.append(invalid(at.child("key"), requirement.key, message))
        for j, value in enumerate(requirement.values or []):
            for message in names.label_value(value):
                errors.append(invalid(at.child("values").index(j), value, message))
    return errors
