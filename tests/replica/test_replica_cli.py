"""`disclosure replica` in a real process: it serves the portal it announces, with `--scans N` scanned PDF
reports (page images, no text layer) marked in the manifest it writes."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import urllib.request

import pdfplumber


def test_replica_serves_scanned_reports(tmp_path):
    manifest_path = tmp_path / "manifest.json"
    proc = subprocess.Popen([sys.executable, "-m", "disclosure", "replica", "--port", "0", "--county", "mixed", "--scans", "2",
                             "--manifest", str(manifest_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        assert lines and lines[-1].startswith("serving "), "".join(lines) + proc.stderr.read()
        assert "2 served as scans" in lines[0], lines[0]
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        scans = [d for d in manifest["documents"] if d.get("delivery") == "scan"]
        assert len(scans) == 2
        for doc in scans:
            (attachment,) = doc["attachments"]
            data = urllib.request.urlopen(attachment["url"], timeout=30).read()
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                assert pdf.pages and all(not (p.extract_text() or "").strip() for p in pdf.pages)
                assert all(p.images for p in pdf.pages)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
