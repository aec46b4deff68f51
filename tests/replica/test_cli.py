"""``disclosure replica`` starts, writes its manifest, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx

from disclosure.replica.manifest import load_manifest


def test_cli_serves_and_stops(tmp_path):
    manifest_path = tmp_path / "manifest.json"
    proc = subprocess.Popen([sys.executable, "-m", "disclosure", "replica", "--port", "0", "--as-of", "2012-06-01",
                             "--manifest", str(manifest_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        base = re.search(r"serving (http://127\.0\.0\.1:\d+)/", lines[-1]).group(1)
        assert "units" in lines[0] and "as of 2012-06-01T23:59" in lines[0]
        manifest = load_manifest(manifest_path)
        assert manifest.base_url == base and manifest.as_of == "2012-06-01"
        assert manifest.documents and all(d.first_appears_at[:10] <= "2012-06-01" for d in manifest.documents)
        assert httpx.get(base + "/").status_code == 200
        for doc in manifest.documents[:20]:
            assert httpx.get(doc.urls[0]).status_code in (200, 500)  # 500: the planted one-shot failure
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped after" in out


def test_cli_refuses_a_busy_port(replica):
    port = replica.base_url.rsplit(":", 1)[1]
    proc = subprocess.run([sys.executable, "-m", "disclosure", "replica", "--port", port], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0 and "cannot listen" in proc.stderr


def test_cli_rejects_a_bad_date():
    proc = subprocess.run([sys.executable, "-m", "disclosure", "replica", "--port", "0", "--as-of", "2022-13-45"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--as-of" in proc.stderr


def test_server_survives_hostile_requests(replica):
    import socket

    host, port = replica.base_url[7:].split(":")
    for raw in (b"POST /module/web/jpage/dataproxy.jsp HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                b"GET /%ff%fe/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                b"GARBAGE\r\n\r\n"):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(raw)
            reply = sock.recv(300)
            status = int(reply.split()[1]) if reply.startswith(b"HTTP/1.") else 400 * (b"Error code: 400" in reply)
            assert status in (400, 404, 405), reply
    assert httpx.get(replica.base_url + "/").status_code == 200
