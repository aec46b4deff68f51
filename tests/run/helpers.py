"""Helpers for the scheduled-run tests: a config file and the real ``disclosure`` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Switches the suite sets for every process it starts (tests/conftest.py): table pictures are not OCR'd except
# where they are the subject, which costs minutes of CPU per ingest of the replica otherwise.
SUITE_SWITCHES = ("DISCLOSURE_OCR_BODY_IMAGES",)


def clean_env() -> dict[str, str]:
    """This process's environment without the user's DISCLOSURE_* settings (a CLI under test reads only what
    the test gives it), but with the suite's switches, and the repository on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_") or k in SUITE_SWITCHES}
    env["PYTHONPATH"] = str(REPO)
    return env


@dataclass
class CliResult:
    """A finished ``disclosure`` process."""

    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def write_config(path: Path, data_dir: Path, portals: list[str], *, database_url: str | None = None,
                 download_delay: float = 0.0, expected_interval_hours: float | None = None) -> Path:
    """A disclosure.toml for a test archive (quick politeness: loopback only)."""
    lines = [f'data_dir = "{data_dir}"', f"portals = {json.dumps(portals)}",
             'contact_url = "mailto:tests@example.org"']
    if database_url:
        lines.append(f'database_url = "{database_url}"')
    if expected_interval_hours is not None:
        lines.append(f"expected_interval_hours = {expected_interval_hours}")
    lines += ["[politeness]", f"download_delay = {download_delay}", "autothrottle = false",
              "download_timeout = 10", "retry_times = 1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def disclosure_argv() -> list[str]:
    """The command that runs the CLI of this checkout."""
    return [sys.executable, "-m", "disclosure"]


def run_cli(args: list[str], *, cwd: Path | None = None, timeout: float = 300, env: dict | None = None,
            argv: list[str] | None = None) -> CliResult:
    """Run ``disclosure ARGS`` as a real process, stdin closed and no terminal (like cron)."""
    full_env = clean_env()
    full_env.update(env or {})
    proc = subprocess.run((argv or disclosure_argv()) + args, cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def read_events(log_file: Path) -> list[dict]:
    """The JSON-lines event log."""
    return [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines() if line.strip()]
