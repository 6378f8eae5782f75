"""ConfigMap's rules, as the API server's ValidateConfigMap and ValidateConfigMapUpdate (v1.31)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from manikit.kinds.registry import validate_create, validate_update
from manikit.models.configmap import ConfigMap


def make(**fields: Any) -> ConfigMap:
    return ConfigMap.model_validate({"metadata": {"name": "settings"}, **fields}, by_alias=True)


def messages(cm: ConfigMap) -> list[str]:
    return [str(e) for e in validate_create(cm)]


def test_a_valid_configmap() -> None:
    cm = make(data={"app.properties": "a=b", "MODE": "x", "-_.k": ""}, binaryData={"blob": "aGVsbG8="})
    assert messages(cm) == []


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("a b", "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"),
        ("a/b", "regex used for validation is '[-._a-zA-Z0-9]+'"),
        (".", "must not be '.'"),
        ("..", "must not be '..'"),
        ("..data", "must not start with '..'"),
        ("k" * 254, "must be no more than 253 characters"),
    ],
    ids=["space", "slash", "dot", "dot-dot", "dot-dot-prefix", "too-long"],
)
def test_bad_keys(key: str, message: str) -> None:
    (data_error,) = validate_create(make(data={key: "v"}))
    assert str(data_error).startswith(f"data[{key}]: Invalid value: ") and message in str(data_error)
    (binary_error,) = validate_create(make(binaryData={key: "djE="}))
    assert str(binary_error).startswith(f"binaryData[{key}]:") and message in str(binary_error)


def test_a_key_in_both_maps() -> None:
    assert messages(make(data={"k": "v"}, binaryData={"k": "djE="})) == [
        'data[k]: Invalid value: "k": duplicate of key present in binaryData'
    ]


def test_binary_data_must_be_base64() -> None:
    (message,) = messages(make(binaryData={"k": "not base64!"}))
    assert message.startswith("binaryData[k]: Invalid value:") and "base64" in message


def test_at_most_one_mebibyte_in_all() -> None:
    half = "x" * (512 * 1024)
    assert messages(make(data={"a": half}, binaryData={"b": base64.b64encode(half.encode()).decode()})) == []
    assert messages(make(data={"a": half, "b": half + "x"})) == [
        "Too long: may not be more than 1048576 bytes"
    ]
    # bytes, not characters: 2-byte characters count twice
    assert messages(make(data={"a": "é" * (512 * 1024 + 1)})) == [
        "Too long: may not be more than 1048576 bytes"
    ]


def test_the_name_is_a_subdomain() -> None:
    assert messages(make(metadata={"name": "app.config"})) == []
    (message,) = messages(make(metadata={"name": "App_Config"}))
    assert message.startswith('metadata.name: Invalid value: "App_Config": a lowercase RFC 1123 subdomain')


def body(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, **fields}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (body(data={"a": "1"}), body(data={"a": "2"}), []),
        (body(data={"a": "1"}, immutable=False), body(data={"a": "2"}), []),
        (body(data={"a": "1"}), body(data={"a": "1"}, immutable=True), []),
        (body(data={"a": "1"}, immutable=True), body(data={"a": "1"}, immutable=True), []),
        (
            body(data={"a": "1"}, immutable=True),
            body(data={"a": "2"}, immutable=True),
            ["data: Forbidden: field is immutable when `immutable` is set"],
        ),
        (
            body(binaryData={"a": "djE="}, immutable=True),
            body(immutable=True),
            ["binaryData: Forbidden: field is immutable when `immutable` is set"],
        ),
        (
            body(data={"a": "1"}, immutable=True),
            body(data={"a": "1"}),
            ["immutable: Forbidden: field is immutable when `immutable` is set"],
        ),
    ],
    ids=["mutable", "immutable-false", "made-immutable", "unchanged", "data", "binary-data", "unset"],
)
def test_an_immutable_configmap_keeps_its_data(
    old: dict[str, Any], new: dict[str, Any], expected: list[str]
) -> None:
    assert [str(e) for e in validate_update("ConfigMap", old, new)] == expected
