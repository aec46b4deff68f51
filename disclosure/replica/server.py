"""A real threaded HTTP server for a :class:`~disclosure.replica.site.Site` on 127.0.0.1.

Per-server state lives here, not in the site: the "as of" date-time, the request log, and the planted
one-shot failures (a page answering 500 once), so that every server starts fresh.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from disclosure.replica import browser_only
from disclosure.replica.site import Request, Response, Site, normalise_as_of

log = logging.getLogger(__name__)
MAX_BODY = 1 << 20  # request bodies are small form posts (dataproxy.jsp)


class LoggedRequest(NamedTuple):
    """One request as the server saw it."""

    method: str
    host: str
    path: str  # request target as sent (path + query)
    status: int


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TRS-WCM/7.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus delayed ACK adds ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.replica._track(self.connection, True)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.replica._track(self.connection, False)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature fixed by the base class
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        replica: ReplicaServer = self.server.replica  # type: ignore[attr-defined]
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_error(400, "bad Content-Length")
            return
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host", "")
        req = Request(method=self.command, host=host, target=self.path, body=body,
                      headers={k.lower(): v for k, v in self.headers.items()})
        resp = replica.respond(req)
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            for name, value in resp.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and resp.status != 304:
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (timeouts in crawler tests); nothing to clean up

    do_GET = do_HEAD = do_POST = _serve


class ReplicaServer:
    """Serve ``site`` on ``host:port`` (port 0: an ephemeral port) in a background thread."""

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0, as_of: str | None = None, *,
                 challenge: bool = False, js_units: Iterable[str] = ()) -> None:
        self.site = site
        # Pages only a browser reads (browser_only.py): a JS challenge before every page, script-rendered lists.
        self.challenge = challenge
        self.js_units = frozenset(js_units)
        unknown = sorted(self.js_units - {u.code for u in site.units if u.dialect == "trs"})
        if unknown:
            raise ValueError(f"js_units must be TRS units of {site.county}: {', '.join(unknown)}")
        self._host, self._port = host, port
        self._as_of = normalise_as_of(as_of)
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._failed_once: set[str] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ---- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> ReplicaServer:
        """Bind and serve in a daemon thread; returns self."""
        httpd = ThreadingHTTPServer((self._host, self._port), _Handler)
        httpd.daemon_threads = True
        httpd.replica = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="replica-server", daemon=True)
        self._thread.start()
        return self

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    def stop(self) -> None:
        """Stop serving: close the listening socket and every open connection (keep-alive clients see the
        server go away, as when a real server dies)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:{port}`` (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    # ---- time travel and log ----------------------------------------------------------------------------
    @property
    def as_of(self) -> str:
        return self._as_of

    def set_as_of(self, iso: str | None) -> None:
        """Move the portal in time (ISO date or date-time; None = today, everything published)."""
        self._as_of = normalise_as_of(iso)

    @property
    def request_log(self) -> list[LoggedRequest]:
        """A copy of every request served so far: (method, host, path, status)."""
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        """Forget logged requests."""
        with self._lock:
            self._log.clear()

    def reset_faults(self) -> None:
        """Re-arm the one-shot 500 pages."""
        with self._lock:
            self._failed_once.clear()

    def manifest(self, as_of: str | None = None):
        """The site's manifest for this server's base URL."""
        return self.site.manifest(self.base_url, as_of)

    # ---- answering --------------------------------------------------------------------------------------
    def respond(self, req: Request) -> Response:
        """Answer one request (also logs it); used by the handler, callable directly in tests."""
        path = req.target.split("?", 1)[0].split(";", 1)[0]
        specials = self.site.specials
        fail = False
        if path in specials.error_once_paths:
            with self._lock:
                fail = path not in self._failed_once
                self._failed_once.add(path)
        if fail:
            resp = Response(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")
        else:
            delay = specials.slow_paths.get(path)
            if delay:
                time.sleep(delay)
            try:
                resp = self._browser_only(req, path) or self.site.handle(req, self._as_of)
            except Exception:  # a bug in the replica must show as a 500, not kill the server thread
                log.exception("replica failed on %s %s", req.method, req.target)
                resp = Response(500, b"replica error", "text/plain")
        with self._lock:
            self._log.append(LoggedRequest(req.method, req.host, req.target, resp.status))
        return resp

    def _browser_only(self, req: Request, path: str) -> Response | None:
        """The challenge or a script-rendered list when those options are on (None: the site answers)."""
        if self.challenge and (gate := browser_only.challenge_gate(req, path)) is not None:
            return gate
        if self.js_units:
            split = urlsplit(req.target)
            return browser_only.js_list(self.site, self.js_units, unquote(split.path), parse_qs(split.query),
                                        self._as_of, req.host or "127.0.0.1")
        return None
