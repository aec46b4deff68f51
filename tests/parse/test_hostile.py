"""No traceback, ever: `disclosure parse` on hostile files answers JSON or a one-line error, in bounded time
and memory (each case runs in a real process of its own)."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time

import pytest

from .hostile_files import cases

SECONDS = 120  # the slowest case (100,000 nested elements) takes ~3 s alone, ~30 s on a loaded 2-core machine
MAX_RSS_MB = 1024

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_disclosure_parse_never_ends_in_a_traceback(case, tmp_path):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    start = time.monotonic()
    # OCR off: a scan must say so (exit 7), in bounded time; OCR itself is tested on the replica's scans
    env = {**os.environ, "DISCLOSURE_OCR": "0"}
    proc = subprocess.run([sys.executable, "-m", "disclosure", "parse", str(path), "--json"],
                          capture_output=True, text=True, timeout=SECONDS, env=env)
    elapsed = time.monotonic() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert rss_mb < MAX_RSS_MB, f"{case.name}: {rss_mb:.0f} MB"
    outcome = case.outcome
    if outcome == "either":
        outcome = "parsed" if proc.returncode == 0 else "error"
    if outcome == "error":
        assert proc.returncode == 1 and proc.stdout == "", (proc.returncode, proc.stdout[:300])
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot parse "), proc.stderr
        assert re.search(case.reason, lines[0]), lines[0]
    elif outcome == "parsed":
        assert proc.returncode == 0, proc.stderr
        assert "kind" in json.loads(proc.stdout)
    else:  # no text layer: the (empty) result, its warning in the JSON and on stderr, exit 7
        assert proc.returncode == 7, (proc.returncode, proc.stderr)
        data = json.loads(proc.stdout)
        assert any("no text layer" in w for w in data["warnings"]) and data["figures"] == []
        assert re.match(r"warning: .*no text layer.*OCR is not available", proc.stderr.strip()), proc.stderr
    print(f"{case.name}: exit {proc.returncode} in {elapsed:.1f} s")


def test_deep_nesting_is_read():
    """The 100,000-deep page is read, not refused: its section and stated figure come out."""
    from archive.parse import parse_document

    deep = next(c for c in CASES if c.name == "deep.html")
    doc = parse_document(deep.data, content_type=deep.content_type)
    assert [s.number for s in doc.sections] == [1]
    assert doc.sections[0].text == "全年共收到依申请公开3件。"
