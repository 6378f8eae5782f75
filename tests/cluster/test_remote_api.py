"""The boundary between RemoteCluster and lightkube, without a server: kinds and their paths, label
selectors in lightkube's terms, and refusals as manikit's errors."""

from __future__ import annotations

import httpx2
import pytest
from lightkube.core.selector import build_selector

from manikit.cluster.remote_api import kind_of, label_selector, resource, status_error, translated
from manikit.errors import ConfigError, InvalidError, NotFoundError, StateError, StatusError
from manikit.models.selector import LabelSelector


@pytest.mark.parametrize(
    ("kind", "namespace", "name", "path"),
    [
        ("Pod", "shop", "web", "/api/v1/namespaces/shop/pods/web"),
        ("Deployment", None, None, "/apis/apps/v1/deployments"),
        ("Node", "ignored", "node-1", "/api/v1/nodes/node-1"),
        ("Event", "shop", None, "/api/v1/namespaces/shop/events"),
    ],
    ids=["namespaced", "all-namespaces", "cluster-scoped", "events"],
)
def test_kinds_and_their_paths(kind: str, namespace: str | None, name: str | None, path: str) -> None:
    assert kind_of(kind).path(namespace, name) == path


def test_an_unknown_kind_is_kubectls_error() -> None:
    with pytest.raises(NotFoundError, match='the server doesn\'t have a resource type "Widget"'):
        kind_of("Widget")


def test_resources_are_made_once_and_kept_out_of_lightkubes_registry() -> None:
    from lightkube.core.resource_registry import resource_registry

    ours = resource("Deployment")
    assert ours is resource("Deployment")
    typed = resource_registry.load("apps/v1", "Deployment")  # lightkube's typed model still loads
    assert typed is not ours and typed.__module__.startswith("lightkube.resources")


@pytest.mark.parametrize(
    ("selector", "query"),
    [
        (None, None),
        ("  ", None),
        ({"app": "web"}, "app=web"),
        ("app=web,tier!=db", "app=web,tier notin (db)"),
        ("env in (a,b),!legacy,team", "env in (a,b),!legacy,team"),
        (LabelSelector(match_labels={"a": "1"}), "a=1"),
    ],
    ids=["none", "blank", "mapping", "equality", "sets-and-existence", "model"],
)
def test_label_selectors_in_lightkubes_terms(selector: object, query: str | None) -> None:
    pairs = label_selector(selector)  # type: ignore[arg-type]
    assert (build_selector(pairs) if pairs else None) == query


def _refused(code: int, **kwargs: object) -> httpx2.HTTPStatusError:
    request = httpx2.Request("GET", "https://k8s.example/api/v1/pods")
    response = httpx2.Response(code, request=request, **kwargs)  # type: ignore[arg-type]
    return httpx2.HTTPStatusError("refused", request=request, response=response)


def test_a_status_keeps_its_reason_and_causes() -> None:
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": "Invalid",
        "code": 422,
        "message": 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be >= 0',
        "details": {
            "name": "web",
            "group": "apps",
            "kind": "Deployment",
            "causes": [
                {"reason": "FieldValueInvalid", "message": "Invalid value: -1", "field": "spec.replicas"}
            ],
        },
    }
    error = status_error(_refused(422, json=status))
    assert isinstance(error, InvalidError)
    assert [c.field for c in error.causes] == ["spec.replicas"]


def test_an_answer_that_is_not_a_status_says_what_came() -> None:
    error = status_error(_refused(502, text="<html>Bad Gateway</html>"))
    assert type(error) is StatusError
    assert str(error) == "the server answered 502: <html>Bad Gateway</html>"


def test_translated_turns_transport_and_config_failures_into_user_errors() -> None:
    from lightkube.core.exceptions import ConfigError as LightkubeConfigError

    with pytest.raises(StateError, match=r"^cannot reach the Kubernetes API server at here: refused"):
        with translated(lambda: "here"):
            raise httpx2.ConnectError("refused")
    with pytest.raises(ConfigError, match=r"the kubeconfig for here cannot be used: no token"):
        with translated(lambda: "here"):
            raise LightkubeConfigError("no token")
