"""Objects written after manikit's apply (controllers, status writes, scale, other managers, deletes)
are planned exactly as the full comparison plans them: a plan that takes an object as settled
(``manikit.cluster.settled``) says, byte for byte, what one that parses every document and reads and
diffs every object says (``MANIKIT_PARSE_EVERY_DOCUMENT=1``, ``make_plan(fast=False)``)."""

from __future__ import annotations

import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.cluster.recorded import APPLIED_TOPIC, applied_record, peek_applied_record, refresh_applied
from manikit.cluster.settled import BOOKKEEPING_PREFIXES, DROPPED_METADATA, settled_digest, settled_view
from manikit.errors import ManikitError
from manikit.plan.desired import load_desired
from manikit.plan.normalize import SERVER_METADATA, comparable
from manikit.plan.planner import make_plan
from manikit.plan.render.json_format import render_json
from manikit.plan.render.text import render_text
from manikit.plan.unchanged import unchanged_keys
from tests.plan.test_textual import every_file_takes_part, parsing_everything  # noqa: F401 (autouse)

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
  labels: {{app: {name}}}
spec:
{replicas}  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: main
          image: nginx:{tag}
          env:
            - {{name: A, value: "1"}}
            - {{name: B, value: "2"}}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
"""
OTHERS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
NAMES = ("web", "api")  # web sets replicas, api leaves them to the server (and to scales)


def manifests(tags: dict[str, str] | None = None) -> str:
    docs = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"]
    for name in NAMES:
        replicas = "  replicas: 2\n" if name == "web" else ""
        tag = (tags or {}).get(name, "1.27")
        docs.append(DEPLOYMENT.format(name=name, replicas=replicas, tag=tag))
    return "---\n".join([*docs, OTHERS])


def applied(path: Path, state: Path) -> LocalCluster:
    """The manifests at ``path`` applied (as ``manikit apply`` loads and applies them) and reconciled."""
    cluster = open_cluster(str(state), default_cluster=False)
    assert isinstance(cluster, LocalCluster)
    loaded = load_desired([str(path)], applyset="default", note=True)
    assert loaded.errors == []
    execute(cluster, make_plan(cluster, loaded, applyset="default"))
    cluster.run()
    return cluster


def said(cluster: LocalCluster, path: Path, state: Path, *, full: bool) -> Any:
    """What a plan says (text and JSON), fast or in full; the fast one loads with the state's peek, as
    ``manikit plan`` does."""
    with parsing_everything(full):
        hint = (lambda: applied_record(cluster)) if full else (lambda: peek_applied_record(state))
        loaded = load_desired([str(path)], applyset="default", applied=hint)
        try:
            plan = make_plan(cluster, loaded, applyset="default", prune=True, fast=not full)
        except ManikitError as exc:
            return type(exc).__name__, str(exc)
    return render_json(plan), [line.text for line in render_text(plan)], plan.counts(), plan.unchanged


# -- the writes ------------------------------------------------------------------------------------


def _deployment(cluster: LocalCluster, name: str) -> dict[str, Any] | None:
    return cluster.find("Deployment", name, "shop")


def _container_patch(image: str) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": image}]}}}}


def write(cluster: LocalCluster, op: str, name: str, value: str) -> None:
    """One write by someone other than manikit's apply (refusals are what the cluster says: skipped)."""
    body = _deployment(cluster, name)
    if body is None and op != "recreate":
        return
    with suppress(ManikitError):  # a conflict or a refusal: the cluster is as it was
        _write(cluster, op, name, value, body)


def _write(cluster: LocalCluster, op: str, name: str, value: str, body: dict[str, Any] | None) -> None:
    manager = None if value == "nobody" else f"someone-{value}"
    if op == "run":
        cluster.run()
    elif op == "refresh":  # as ``manikit apply`` does after its reconcile
        refresh_applied(cluster)
    elif op == "status" and body is not None:
        status = {**(body.get("status") or {}), "observedGeneration": 99, "replicas": len(value)}
        cluster.api.update_status({**body, "status": status}, manager=manager)
    elif op == "scale" and body is not None:
        cluster.update({**body, "spec": {**body["spec"], "replicas": len(value)}}, manager="manikit-scale")
    elif op == "image":  # an Update of a field manikit owns (the same value, or another)
        image = "nginx:1.27" if value == "same" else f"nginx:{value}"
        containers = body["spec"]["template"]["spec"]["containers"]  # type: ignore[index]
        changed = [{**c, "image": image} if c["name"] == "main" else c for c in containers]
        template = body["spec"]["template"]  # type: ignore[index]
        spec = {**body["spec"], "template": {**template, "spec": {**template["spec"], "containers": changed}}}  # type: ignore[index]
        cluster.update({**body, "spec": spec}, manager=manager)  # type: ignore[dict-item]
    elif op == "env-order" and body is not None:  # the same env vars, reordered (no field changes owner)
        containers = body["spec"]["template"]["spec"]["containers"]
        changed = [{**c, "env": list(reversed(c.get("env") or []))} for c in containers]
        template = body["spec"]["template"]
        spec = {**body["spec"], "template": {**template, "spec": {**template["spec"], "containers": changed}}}
        cluster.update({**body, "spec": spec}, manager=manager)
    elif op == "label":
        cluster.patch("Deployment", name, "shop", {"metadata": {"labels": {"team": value}}}, manager=manager)
    elif op in ("drop-label", "drop-member-label"):  # the app label, or the apply set's own
        label = "app" if op == "drop-label" else "applyset.kubernetes.io/part-of"
        cluster.patch("Deployment", name, "shop", {"metadata": {"labels": {label: None}}}, manager=manager)
    elif op == "annotate":
        for key in ("note", *(f"{p}x" for p in BOOKKEEPING_PREFIXES)):
            cluster.patch(
                "Deployment", name, "shop", {"metadata": {"annotations": {key: value}}}, manager=manager
            )
    elif op in ("apply-image", "apply-image-force", "apply-label"):
        config: dict[str, Any] = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": "shop"},
        }
        if op == "apply-label":
            config["metadata"]["labels"] = {"owner": value}
        else:
            image = "nginx:1.27" if value == "same" else f"nginx:{value}"
            config["spec"] = _container_patch(image)["spec"]
        cluster.apply(config, manager=f"applier-{value}", force=op.endswith("force"))
    elif op == "delete":
        cluster.delete("Deployment", name, "shop")
    elif op == "recreate":
        if body is not None:
            cluster.delete("Deployment", name, "shop", grace_period=0)
            cluster.run()
        labels = {"app": name}
        container = {"name": "main", "image": "nginx:1.27"}
        spec = {
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        }
        meta = {"name": name, "namespace": "shop", "labels": labels}
        cluster.create(
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}, manager=manager
        )


WRITES = st.tuples(
    st.sampled_from(
        [
            "run",
            "refresh",
            "status",
            "scale",
            "image",
            "env-order",
            "label",
            "drop-label",
            "drop-member-label",
            "annotate",
            "apply-image",
            "apply-image-force",
            "apply-label",
            "delete",
            "recreate",
        ]
    ),
    st.sampled_from(NAMES),
    st.sampled_from(["same", "nobody", "1.28", "a"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    writes=st.lists(WRITES, max_size=5),
    edit=st.none() | st.sampled_from(NAMES),
    reapply=st.booleans(),
    reopen=st.booleans(),
)
def test_a_plan_after_any_writes_is_what_the_full_comparison_says(
    writes: list[tuple[str, str, str]], edit: str | None, reapply: bool, reopen: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, state = Path(tmp) / "all.yaml", Path(tmp) / "state.db"
        path.write_text(manifests(), encoding="utf-8")
        cluster = applied(path, state)
        for op, name, value in writes:
            write(cluster, op, name, value)
        if reapply:  # manikit applies again over what the others wrote, then the controllers run
            loaded = load_desired([str(path)], applyset="default", note=True)
            with suppress(ManikitError):
                execute(cluster, make_plan(cluster, loaded, applyset="default", force_conflicts=True))
            cluster.run()
            refresh_applied(cluster)
        if edit is not None:
            path.write_text(manifests({edit: "1.29"}), encoding="utf-8")
        if reopen:  # the peek sees every write (else it misses those still in the write-ahead log)
            cluster.close()
            reopened = open_cluster(str(state), default_cluster=False)
            assert isinstance(reopened, LocalCluster)
            cluster = reopened
        fast = said(cluster, path, state, full=False)
        full = said(cluster, path, state, full=True)
        cluster.close()
    assert fast == full


def test_settled_objects_are_taken_without_a_comparison(tmp_path: Path) -> None:
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    path.write_text(manifests(), encoding="utf-8")
    applied(path, state).close()  # written through to the file, as a finished command leaves it
    cluster = open_cluster(str(state), default_cluster=False)
    assert isinstance(cluster, LocalCluster)
    notes = cluster.store.notes_of(APPLIED_TOPIC)
    versions = cluster.store.versions()
    moved = {k for k, (_, version, *_) in notes.items() if versions[tuple(k.split("/"))] != version}
    assert moved == {"Deployment/shop/web", "Deployment/shop/api"}  # the controllers wrote both
    loaded = load_desired([str(path)], applyset="default", applied=lambda: peek_applied_record(state))
    assert [d.key.name for d in loaded.objects if d.unpacked] == []  # no document parsed
    assert {str(k) for k in unchanged_keys(cluster, loaded.objects, "default")} == {
        "Namespace/shop",
        "Deployment/shop/web",
        "Deployment/shop/api",
        "ConfigMap/shop/settings",
        "Service/shop/web",
    }
    assert said(cluster, path, state, full=False) == said(cluster, path, state, full=True)


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("image", "nobody"),  # a write that names no manager keeps managedFields as they were
        ("image", "1.28"),
        ("env-order", "nobody"),
        ("scale", "abc"),
        ("label", "a"),
        ("drop-label", "nobody"),
        ("apply-label", "a"),
        ("apply-image-force", "1.28"),  # takes the field: manikit's entry changes
        ("recreate", "nobody"),
    ],
)
def test_a_write_of_anything_a_plan_compares_is_compared_in_full(tmp_path: Path, op: str, value: str) -> None:
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    path.write_text(manifests(), encoding="utf-8")
    cluster = applied(path, state)
    write(cluster, op, "web", value)
    loaded = load_desired([str(path)], applyset="default", applied=lambda: applied_record(cluster))
    assert "Deployment/shop/web" not in {str(k) for k in unchanged_keys(cluster, loaded.objects, "default")}
    assert said(cluster, path, state, full=False) == said(cluster, path, state, full=True)


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("status", "abc"),
        ("status", "nobody"),
        ("apply-image", "same"),  # another applier of the same value shares the field: no change
        ("annotate", "nobody"),
    ],
)
def test_writes_of_what_no_plan_compares_leave_the_object_settled(
    tmp_path: Path, op: str, value: str
) -> None:
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    path.write_text(manifests(), encoding="utf-8")
    cluster = applied(path, state)
    before = _deployment(cluster, "web")
    write(cluster, op, "web", value)
    after = _deployment(cluster, "web")
    assert before is not None and after is not None
    if op == "annotate":  # the annotation not of a bookkeeping prefix is compared
        assert settled_digest(after) != settled_digest(before)
        return
    assert after["metadata"]["resourceVersion"] != before["metadata"]["resourceVersion"]
    assert settled_digest(after) == settled_digest(before)
    loaded = load_desired([str(path)], applyset="default", applied=lambda: applied_record(cluster))
    assert "Deployment/shop/web" in {str(k) for k in unchanged_keys(cluster, loaded.objects, "default")}
    assert said(cluster, path, state, full=False) == said(cluster, path, state, full=True)


def test_the_view_keeps_everything_a_plan_compares() -> None:
    """What the view drops, ``comparable`` drops too: two objects with one view compare equal."""
    assert set(DROPPED_METADATA) <= set(SERVER_METADATA)
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "resourceVersion": "7",
            "generation": 2,
            "labels": {"app": "web", "applyset.kubernetes.io/part-of": "x"},
            "annotations": {"deployment.kubernetes.io/revision": "1"},
            "managedFields": [
                {"manager": "manikit", "operation": "Apply", "time": "t", "fieldsV1": {"f:spec": {}}},
                {"manager": "kube-controller-manager", "operation": "Update", "time": "t"},
            ],
        },
        "spec": {"replicas": 2},
        "status": {"replicas": 2},
    }
    view = settled_view(body)
    assert view is not None
    entry, rest = view
    assert entry == {"manager": "manikit", "operation": "Apply", "fieldsV1": {"f:spec": {}}}
    assert comparable(rest) == comparable(body)
    assert "annotations" not in rest["metadata"]  # none left but bookkeeping: as ``comparable`` says
    for kind in ("Node", "Service", "Pod", "Namespace"):  # left out: their plans read them
        assert settled_view({**body, "kind": kind}) is None
    unapplied = {**body, "metadata": {**body["metadata"], "managedFields": []}}
    assert settled_view(unapplied) is None


def test_a_big_integer_is_read_exactly() -> None:
    """orjson reads an integer beyond 64 bits as a float: the digest of a stored text reads it exactly,
    so a float and the integer it rounds to are two views."""
    from manikit.cluster.settled import settled_digest_of_text
    from manikit.runtime.store import codec

    base = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "a", "managedFields": [{"manager": "manikit", "operation": "Apply"}]},
    }
    big = {**base, "data": {"n": 123456789012345678901234}}
    near = {**base, "data": {"n": 1.2345678901234569e23}}
    assert settled_digest_of_text(codec.dumps(big)) == settled_digest(big)
    assert settled_digest_of_text(codec.dumps(near)) == settled_digest(near)
    assert settled_digest(big) != settled_digest(near)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"kind": "Node"}', "{}"], ids=str)
def test_a_text_without_a_view_has_no_digest(text: str) -> None:
    from manikit.cluster.settled import settled_digest_of_text

    assert settled_digest_of_text(text) is None  # the plan reads the object, and says what is wrong


def _notes_at_their_versions(cluster: LocalCluster) -> set[str]:
    notes = cluster.store.notes_of(APPLIED_TOPIC)
    versions = cluster.store.versions()
    return {k for k, v in notes.items() if versions.get(tuple(k.split("/"))) == v[1]}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "value", "follows"),
    [
        ("run", "a", True),  # nothing but the controllers' own writes
        ("status", "abc", True),
        ("annotate", "nobody", False),  # an annotation a plan compares
        ("image", "1.28", False),  # another manager's Update of a spec field manikit owns
        ("image", "same", True),  # an Update of the same value takes no field from manikit
        ("apply-image", "same", True),  # another applier shares the field with the same value
        ("scale", "abc", False),  # a spec field manikit set (web's replicas), as a controller would
        ("env-order", "nobody", False),
        ("drop-member-label", "nobody", True),  # bookkeeping: nothing a plan compares
        ("drop-label", "nobody", False),
        ("recreate", "nobody", False),
    ],
)
def test_the_refresh_moves_only_the_notes_of_objects_a_plan_would_take_as_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, op: str, value: str, follows: bool
) -> None:
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    path.write_text(manifests(), encoding="utf-8")
    cluster = applied(path, state)
    assert "Deployment/shop/web" not in _notes_at_their_versions(cluster)  # the controllers wrote it
    write(cluster, op, "web", value)
    before = said(cluster, path, state, full=False)
    loaded = load_desired([str(path)], applyset="default", applied=lambda: applied_record(cluster))
    checked = {str(k) for k in unchanged_keys(cluster, loaded.objects, "default")}
    refresh_applied(cluster)
    noted = _notes_at_their_versions(cluster)
    assert ("Deployment/shop/web" in noted) is follows is ("Deployment/shop/web" in checked)
    assert "Deployment/shop/api" in noted  # only the controllers wrote it
    assert said(cluster, path, state, full=False) == before == said(cluster, path, state, full=True)
    if follows:  # the plan takes the moved notes from the versions alone: no object read to check it
        import manikit.cluster.recorded as recorded

        monkeypatch.setattr(recorded, "settled_digest_of_text", _never)
        loaded = load_desired([str(path)], applyset="default", applied=lambda: applied_record(cluster))
        assert {str(k) for k in unchanged_keys(cluster, loaded.objects, "default")} == checked
        monkeypatch.undo()
    # a later write of a spec field, by a controller or a user, is seen again
    write(cluster, "scale" if op != "scale" else "image", "web", "1.30")
    assert "Deployment/shop/web" not in _notes_at_their_versions(cluster)
    assert said(cluster, path, state, full=False) == said(cluster, path, state, full=True)
    cluster.close()


def _never(text: str) -> str | None:
    raise AssertionError("an object was read to check its settled view")
