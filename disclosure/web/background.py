"""Serve the web application with uvicorn in a background thread on loopback (tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn


@dataclass
class BackgroundServer:
    """A running uvicorn server; ``stop()`` ends it."""

    server: uvicorn.Server
    thread: threading.Thread
    base_url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    """A loopback port free at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_thread(app, timeout: float = 30.0) -> BackgroundServer:
    """Start ``app`` on 127.0.0.1 (an ephemeral port) and wait until it accepts requests."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("web server did not start")
        time.sleep(0.05)
    return BackgroundServer(server, thread, f"http://127.0.0.1:{port}")
