"""ConfigMap (v1): string data, binary data (base64 in JSON) and the immutable switch."""

from typing import Literal

from manikit.models.meta import TypeMeta


class ConfigMap(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["ConfigMap"] = "ConfigMap"
    data: dict[str, str] | None = None
    binary_data: dict[str, str] | None = None  # base64, as []byte is in Kubernetes' JSON
    immutable: bool | None = None
