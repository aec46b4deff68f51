"""The cron and systemd examples in deploy/ work as written: their exact command lines run against the replica.

Only the install prefix (/opt/disclosure → this checkout) and the configuration path are substituted.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.db import open_database
from archive.models import Document, PortalRun
from disclosure.config import load_config

from .helpers import REPO, run_cli, write_config

DEPLOY = REPO / "deploy"
PREFIX = "/opt/disclosure"
CONFIG = "/etc/disclosure.toml"


def cron_command() -> tuple[str, str]:
    """(PATH, command) of the one job line in deploy/cron.example (/etc/cron.d format: 5 times, user, cmd)."""
    path = ""
    jobs = []
    for line in (DEPLOY / "cron.example").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("PATH="):
            path = line.removeprefix("PATH=")
            continue
        if "=" in line.split()[0]:
            continue  # other environment lines (SHELL, MAILTO)
        jobs.append(line.split(None, 6)[6])
    assert len(jobs) == 1, jobs
    return path, jobs[0]


def systemd_command() -> str:
    """ExecStart of deploy/disclosure.service."""
    lines = [line for line in (DEPLOY / "disclosure.service").read_text(encoding="utf-8").splitlines()
             if line.startswith("ExecStart=")]
    assert len(lines) == 1
    return lines[0].removeprefix("ExecStart=")


def _substitute(text: str, config: Path) -> str:
    assert CONFIG in text, f"the example must use {CONFIG}: {text}"
    return text.replace(CONFIG, str(config)).replace(PREFIX, str(REPO))


def test_examples_name_the_documented_command():
    path, cmd = cron_command()
    assert cmd == f"disclosure --config {CONFIG} run --quiet"
    assert path.split(":")[0] == f"{PREFIX}/.venv/bin"
    assert systemd_command() == f"{PREFIX}/.venv/bin/disclosure --config {CONFIG} run"
    timer = (DEPLOY / "disclosure.timer").read_text(encoding="utf-8")
    assert "OnCalendar=" in timer and "Persistent=true" in timer


@pytest.mark.slow
def test_cron_and_systemd_lines_run_against_the_replica(tmp_path, replica):
    replica.set_as_of("2012-06-30")  # an early, small portal: the point is the command line, not the crawl
    config = write_config(tmp_path / "disclosure.toml", tmp_path / "data", [f"replica@{replica.base_url}"])
    assert (REPO / ".venv" / "bin" / "disclosure").exists(), "make install creates .venv/bin/disclosure"

    path, cron_cmd = cron_command()
    argv = shlex.split(_substitute(cron_cmd, config))
    res = run_cli([], argv=argv, env={"PATH": path.replace(PREFIX, str(REPO)), "HOME": str(tmp_path)},
                  cwd=tmp_path, timeout=600)
    # --quiet: nothing at all on success, so cron sends no mail.
    assert (res.code, res.stdout, res.stderr) == (0, "", ""), res

    argv = shlex.split(_substitute(systemd_command(), config))
    res = run_cli([], argv=argv, cwd=REPO, timeout=600)
    assert res.code == 0, res
    assert "replica: OK" in res.stdout

    cfg = load_config(config, environ={})
    db = open_database(cfg.database_url)
    with db.session() as s:
        assert [r.status for r in s.scalars(select(PortalRun).order_by(PortalRun.id))] == ["ok", "ok"]
        assert s.scalar(select(func.count(Document.id))) == len(replica.manifest("2012-06-30").documents)
    db.dispose()
