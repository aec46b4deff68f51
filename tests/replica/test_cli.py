"""``disclosure replica`` starts, writes its manifest, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

import httpx
import pdfplumber

from disclosure.replica.manifest import load_manifest

from .util import start_replica


def test_cli_serves_and_stops(tmp_path):
    manifest_path = tmp_path / "manifest.json"
    proc, lines, base = start_replica("--as-of", "2012-06-01", "--manifest", str(manifest_path))
    try:
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


def test_cli_serves_scanned_reports(tmp_path):
    """`--scans N`: N PDF reports served as scans (page images, no text layer), marked in the manifest."""
    manifest_path = tmp_path / "manifest.json"
    proc, lines, _base = start_replica("--county", "mixed", "--scans", "2", "--manifest", str(manifest_path))
    try:
        assert "2 served as scans" in lines[0], lines[0]
        scans = [d for d in load_manifest(manifest_path).documents if d.delivery == "scan"]
        assert len(scans) == 2
        for doc in scans:
            (attachment,) = doc.attachments
            data = httpx.get(attachment.url, timeout=30).content
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                assert pdf.pages and all(not (p.extract_text() or "").strip() for p in pdf.pages)
                assert all(p.images for p in pdf.pages)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
