"""No traceback, ever: `disclosure parse` on hostile files answers JSON or a one-line error, in bounded time
and memory (each case runs in a real process of its own)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import pytest

from .hostile_files import cases

SECONDS = 120  # the slowest case (100,000 nested elements) takes ~3 s alone, ~30 s on a loaded 2-core machine
MAX_RSS_MB = 1024

CASES = cases()


def _run_measured(argv: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``argv`` and return its result with the peak memory (MB) of that one process. ``RUSAGE_CHILDREN``
    would be the largest of every child this test process ever waited for (an OCR run elsewhere, under xdist)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        popen = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + SECONDS
        while True:
            # wait4 reaps this one child and gives its own resource usage
            pid, status, usage = os.wait4(popen.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                popen.kill()
                os.wait4(popen.pid, 0)
                raise subprocess.TimeoutExpired(argv, SECONDS)
            time.sleep(0.02)
        popen.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        texts = [f.read().decode("utf-8", "replace") for f in (out, err)]
    return subprocess.CompletedProcess(argv, popen.returncode, *texts), usage.ru_maxrss / 1024


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_disclosure_parse_never_ends_in_a_traceback(case, tmp_path):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    start = time.monotonic()
    # OCR off: a scan must say so (exit 7), in bounded time; OCR itself is tested on the replica's scans
    env = {**os.environ, "DISCLOSURE_OCR": "0"}
    proc, rss_mb = _run_measured([sys.executable, "-m", "disclosure", "parse", str(path), "--json"], env)
    elapsed = time.monotonic() - start
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
