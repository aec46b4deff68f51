"""``disclosure run`` refuses clearly: lock held by another process (5), bad configuration (6)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from .helpers import clean_env, disclosure_argv, read_events, run_cli, write_config

HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1], timeout=0)
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_lock_held_by_another_process_exits_5(tmp_path):
    data = tmp_path / "data"
    cfg = write_config(tmp_path / "d.toml", data, ["replica@http://127.0.0.1:9"])
    (data / "jobs").mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(data / "jobs" / "run.lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        res = run_cli(["--config", str(cfg), "run"])
        assert time.monotonic() - t0 < 30, "a locked run must give up at once, not wait"
    finally:
        holder.kill()
        holder.wait()
    assert res.code == 5, res
    assert "another run holds the lock" in res.stdout + res.stderr
    events = read_events(data / "logs" / "disclosure.log")
    assert events[-1]["event"] == "run.end" and events[-1]["exit_code"] == 5


def test_unknown_profile_is_a_configuration_error(tmp_path):
    cfg = write_config(tmp_path / "d.toml", tmp_path / "data", ["no-such-portal"])
    res = run_cli(["--config", str(cfg), "run", "--json"])
    assert res.code == 6, res
    assert "no profile named 'no-such-portal'" in res.json()["message"]


def test_bad_config_file_is_a_configuration_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("portals = 7\n", encoding="utf-8")
    res = run_cli(["--config", str(bad), "run"])
    assert res.code == 6 and "configuration error" in res.stderr
    res = run_cli(["--config", str(tmp_path / "missing.toml"), "run"])
    assert res.code == 6 and "not found" in res.stderr


@pytest.mark.slow
def test_second_run_while_the_first_holds_the_lock(tmp_path, replica):
    replica.set_as_of("2012-06-30")
    data = tmp_path / "data"
    # A slow first run (politeness delay) so the second certainly starts while it holds the lock.
    cfg = write_config(tmp_path / "d.toml", data, [f"replica@{replica.base_url}"], download_delay=0.5)
    env = clean_env()
    first = subprocess.Popen(disclosure_argv() + ["--config", str(cfg), "run"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        owner = data / "jobs" / "run.lock.owner"
        deadline = time.monotonic() + 60
        while not (owner.exists() and f"pid {first.pid}," in owner.read_text(encoding="utf-8")):
            assert first.poll() is None, "the first run ended before it was seen holding the lock"
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.1)
        second = run_cli(["--config", str(cfg), "run", "--json"])
        assert first.poll() is None, "the first run must still be running for this test to mean anything"
    finally:
        first.send_signal(signal.SIGTERM)  # stops the crawl gracefully; the run then ends
        first.communicate(timeout=300)
    assert second.code == 5, second
    assert f"pid {first.pid}" in second.json()["message"] and "another run holds the lock" in second.json()["message"]
    assert second.json()["portals"] == []
