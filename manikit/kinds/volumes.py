"""A pod's volumes as the API server validates them (v1.31 ValidateVolumes): names, one source each,
the names the common sources need, file modes and item paths."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import NAME, FieldError, FieldPath, duplicate, forbidden, invalid, required
from manikit.models.volumes import KeyToPath, Volume

MODE_MAX = 0o777


def validate_volumes(volumes: list[Volume], path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        at = path.index(i)
        if not volume.name:
            errors.append(required(at.child("name")))
        else:
            errors += [
                invalid(at.child("name"), volume.name, m, code=NAME) for m in names.dns1123_label(volume.name)
            ]
        if volume.name in seen:
            errors.append(duplicate(at.child("name"), volume.name, hint="give each volume its own name"))
        seen.add(volume.name)
        sources = [f for f in volume.model_fields_set if f != "name" and getattr(volume, f) is not None]
        if len(sources) > 1:
            errors.append(forbidden(at, "may not specify more than 1 volume type"))
        errors += _source_names(volume, at) + _modes_and_paths(volume, at)
    return errors


def _source_names(volume: Volume, at: FieldPath) -> list[FieldError]:
    """The name each common volume source needs (a ConfigMap's, a Secret's, a claim's, a host path)."""
    needed: list[tuple[str, str]] = []
    if volume.config_map is not None and not volume.config_map.name:
        needed.append(("configMap", "name"))
    if volume.secret is not None and not volume.secret.secret_name:
        needed.append(("secret", "secretName"))
    if volume.persistent_volume_claim is not None and not volume.persistent_volume_claim.claim_name:
        needed.append(("persistentVolumeClaim", "claimName"))
    if volume.host_path is not None and not volume.host_path.path:
        needed.append(("hostPath", "path"))
    return [required(at.child(source, field)) for source, field in needed]


def _modes_and_paths(volume: Volume, at: FieldPath) -> list[FieldError]:
    """defaultMode and items' modes within 0..0777; items' paths relative, without '..'."""
    errors: list[FieldError] = []
    for source, value in (("configMap", volume.config_map), ("secret", volume.secret)):
        if value is None:
            continue
        where = at.child(source)
        errors += _mode(value.default_mode, where.child("defaultMode"))
        for i, item in enumerate(value.items or []):
            errors += _item(item, where.child("items").index(i))
    return errors


def _mode(mode: int | None, at: FieldPath) -> list[FieldError]:
    if mode is None or 0 <= mode <= MODE_MAX:
        return []
    return [invalid(at, mode, "must be a number between 0 and 0777 (octal), both inclusive")]


def _item(item: KeyToPath, at: FieldPath) -> list[FieldError]:
    errors = _mode(item.mode, at.child("mode"))
    if not item.key:
        errors.append(required(at.child("key")))
    if not item.path:
        errors.append(required(at.child("path")))
    elif item.path.startswith("/"):
        errors.append(invalid(at.child("path"), item.path, "must be a relative path"))
    elif ".." in item.path.split("/"):
        errors.append(invalid(at.child("path"), item.path, "must not contain '..'"))
    return errors
