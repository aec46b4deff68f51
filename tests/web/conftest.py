"""A crawled replica archive served by the real web application (uvicorn on loopback)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from disclosure.config import load_config
from disclosure.replica.server import ReplicaServer
from disclosure.web.app import create_app
from disclosure.web.background import serve_in_thread
from tests.run.helpers import run_cli, write_config

# Early enough to keep the archive small, late enough for 2019 and 2021 formats, edits and notices.
AS_OF_FIRST = "2022-02-10"
AS_OF_SECOND = "2022-06-30"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a sandboxed root CI needs, and no background traffic to the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class WebArchive:
    """A data directory filled by `disclosure run` against the replica, and its config."""

    config_path: Path
    data_dir: Path
    replica: ReplicaServer


@pytest.fixture(scope="session")
def web_archive(replica_site, tmp_path_factory) -> WebArchive:
    """Two `disclosure run` cycles across replica time (so edited reports have two versions)."""
    root = tmp_path_factory.mktemp("web-archive")
    server = ReplicaServer(replica_site, as_of=AS_OF_FIRST).start()
    cfg = write_config(root / "disclosure.toml", root / "data", [f"replica@{server.base_url}"])
    # Both runs happen within seconds of wall-clock time: re-check every known page so that an edit that keeps
    # its list entry unchanged is still found (what a long revalidation interval does in real time).
    cfg.write_text("revalidate_after_days = 0\n" + cfg.read_text(encoding="utf-8"), encoding="utf-8")
    for as_of in (AS_OF_FIRST, AS_OF_SECOND):
        server.set_as_of(as_of)
        result = run_cli(["--config", str(cfg), "run", "--quiet"], timeout=900)
        assert result.code == 0, result.stdout + result.stderr
    yield WebArchive(cfg, root / "data", server)
    server.stop()


@dataclass
class LiveWeb:
    """The web application served on loopback."""

    base_url: str
    archive: WebArchive


@pytest.fixture(scope="session")
def live_web(web_archive: WebArchive):
    """uvicorn serving create_app() over the test archive, in a background thread."""
    served = serve_in_thread(create_app(load_config(web_archive.config_path, environ={})))
    yield LiveWeb(served.base_url, web_archive)
    served.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
