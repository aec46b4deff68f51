"""The ingest under faults (issue 17): a killed crawl then `run`, two ingests at once, a truncated WARC
file, a database that refuses writes. Real crawls of the replica, real SQLite files and WARC files, the
real `disclosure` command in subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.ingest import PARENT_MISSING
from archive.models import Attachment, Capture, Document, FetchState
from crawler.run import run_crawl
from disclosure.config import PolitenessConfig
from tests.run.helpers import clean_env, run_cli, write_config

FAST = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                        concurrent_requests_per_ip=16, retry_times=2, download_timeout=20.0)


@pytest.fixture(scope="module")
def crawled_template(tmp_path_factory, archive_server) -> Path:
    """A data directory holding one full crawl of the replica, nothing ingested (copied by each test)."""
    archive_server.set_as_of(None)
    root = tmp_path_factory.mktemp("faults-template")
    summary = run_crawl("replica", database_url=sqlite_url(root / "archive.sqlite3"), warc_dir=root / "warc",
                        jobs_dir=root / "jobs", politeness=FAST, base_url=archive_server.base_url, progress=False)
    assert summary.status == "ok", summary.render()
    _checkpoint(root / "archive.sqlite3")
    return root


def _checkpoint(db_file: Path) -> None:
    """Fold the WAL into the database file, so copying the file copies everything."""
    with sqlite3.connect(db_file) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture
def data_dir(crawled_template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(crawled_template, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


def _statuses(data: Path) -> dict[tuple[str, str | None], int]:
    db = open_database(sqlite_url(data / "archive.sqlite3"))
    try:
        with db.session() as s:
            rows = s.execute(select(Capture.processing_status, Capture.processing_error)
                             .where(Capture.role.in_(("document", "attachment")))).all()
    finally:
        db.dispose()
    out: dict[tuple[str, str | None], int] = {}
    for status, error in rows:
        key = (status, error if status != "parsed" else None)
        out[key] = out.get(key, 0) + 1
    return out


def _count(data: Path, model) -> int:
    db = open_database(sqlite_url(data / "archive.sqlite3"))
    try:
        with db.session() as s:
            return len(s.scalars(select(model.id)).all())
    finally:
        db.dispose()


# ---------------------------------------------------------------------------------------------- item 2

def test_plain_ingest_repairs_attachments_skipped_for_want_of_their_page(data_dir):
    # The state the old `run` left after a killed crawl: files skipped because their page (captured by
    # the dead run) was ingested after them.
    with sqlite3.connect(data_dir / "archive.sqlite3") as conn:
        n = conn.execute("UPDATE captures SET processing_status = 'skipped', processing_error = ?"
                         " WHERE role = 'attachment' AND status = 200", (PARENT_MISSING,)).rowcount
    assert n > 100
    res = run_cli(["--data-dir", str(data_dir), "ingest"])
    assert res.code == 0, res
    statuses = _statuses(data_dir)
    assert ("skipped", PARENT_MISSING) not in statuses, statuses
    assert _count(data_dir, Attachment) == n


def _wait_for_requests(server, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while len(server.request_log) < count:
        assert time.monotonic() < deadline, f"the crawl did not reach {count} requests"
        time.sleep(0.05)


def test_a_killed_crawl_then_run_leaves_no_attachment_without_its_page(tmp_path, archive_server):
    archive_server.set_as_of(None)
    data = tmp_path / "data"
    config = write_config(tmp_path / "disclosure.toml", data, [f"replica@{archive_server.base_url}"])
    env = clean_env()
    archive_server.reset_log()
    proc = subprocess.Popen([sys.executable, "-m", "disclosure", "--config", str(config), "crawl", "replica",
                             "--base-url", archive_server.base_url], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Well into the documents (pages fetched, many of their files not yet): kill the CLI and its worker.
    _wait_for_requests(archive_server, 700)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    res = run_cli(["--config", str(config), "run"], timeout=900)
    assert res.code == 0, res
    statuses = _statuses(data)
    assert ("skipped", PARENT_MISSING) not in statuses, statuses
    db = open_database(sqlite_url(data / "archive.sqlite3"))
    try:
        with db.session() as s:
            files = set(s.scalars(select(Capture.url).where(Capture.role == "attachment", Capture.status == 200)))
            stored = set(s.scalars(select(Attachment.url)))
    finally:
        db.dispose()
    assert files and files <= stored


# ---------------------------------------------------------------------------------------------- item 6

def test_two_ingests_at_once_one_runs_the_other_exits_5(data_dir):
    env = clean_env()
    cmd = [sys.executable, "-m", "disclosure", "--data-dir", str(data_dir), "ingest"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=900), *p.communicate()) for p in procs]
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 5], results
    loser = next(err for code, _out, err in results if code == 5)
    assert "another ingest is running" in loser and "Traceback" not in loser
    statuses = _statuses(data_dir)
    assert not any(status == "failed" for status, _e in statuses), statuses


def test_run_reports_ingest_locked_while_another_ingest_runs(data_dir):
    from filelock import FileLock

    from disclosure.config import load_config
    from disclosure.runner import PortalResult, ingest_lock, step_ingest

    config = load_config(None, {"data_dir": data_dir})
    with FileLock(ingest_lock(config).lock_file):
        step = step_ingest(config, open_database(config.database_url), PortalResult("replica"))
    assert step.status == "locked" and "another ingest is running" in step.detail
    assert ("pending", None) in _statuses(data_dir)  # left for the ingest holding the lock


# ---------------------------------------------------------------------------------------------- item 9

@contextmanager
def _immutable(path: Path):
    """The file cannot be written even by root (chattr +i), for the duration."""
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_ingest_into_an_unwritable_database_stops_with_one_line(data_dir, tmp_path, archive_server):
    db_file = data_dir / "archive.sqlite3"
    open_database(sqlite_url(db_file)).dispose()  # migrated beforehand: a read-only file opens read-only
    _checkpoint(db_file)
    before = _statuses(data_dir)
    with _immutable(db_file):
        res = run_cli(["--data-dir", str(data_dir), "ingest"])
        config = write_config(tmp_path / "disclosure.toml", data_dir, [f"replica@{archive_server.base_url}"])
        run = run_cli(["--config", str(config), "run"])
    assert res.code == 1, res
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "readonly database" in lines[0], lines
    assert _statuses(data_dir) == before  # nothing half-done
    assert run.code != 0
    assert "readonly database" in run.stdout + run.stderr, run


# ---------------------------------------------------------------------------------------------- item 8

def test_a_truncated_warc_record_is_a_recorded_failure_and_is_fetched_again(data_dir, archive_server):
    db = open_database(sqlite_url(data_dir / "archive.sqlite3"))
    with db.session() as s:
        # Cut inside the last document or file record of a WARC file (the crawl's last records may be list
        # pages or body images, whose loss ingest does not report).
        last = s.scalars(select(Capture).where(Capture.role.in_(("document", "attachment")),
                                               Capture.payload_capture_id.is_(None))
                         .order_by(Capture.warc_file.desc(), Capture.warc_offset.desc()).limit(1)).one()
        warc, cut = data_dir / "warc" / last.warc_file, last.warc_offset + last.warc_length - 100
        with open(warc, "r+b") as fh:
            fh.truncate(cut)
        # Every capture whose own record, or the record holding its payload, lies past the cut.
        damaged = {c.url for c in s.scalars(select(Capture).where(Capture.role.in_(("document", "attachment"))))
                   if (c.warc_file == warc.name and c.warc_offset + c.warc_length > cut)
                   or (c.payload_capture_id and _ends_past(s, c.payload_capture_id, warc.name, cut))}
    db.dispose()
    assert damaged

    for command in ("ingest", "reparse"):
        res = run_cli(["--data-dir", str(data_dir), command])
        assert res.code == 1, res
        assert "raw record" in res.stderr and "Traceback" not in res.stderr
    db = open_database(sqlite_url(data_dir / "archive.sqlite3"))
    with db.session() as s:
        failed = set(s.scalars(select(Capture.url).where(Capture.processing_status == "failed")))
        assert failed == damaged
        # The crawler has to fetch them again: their fetch state is gone.
        assert not s.scalars(select(FetchState.url).where(FetchState.url.in_(damaged))).all()
    db.dispose()

    # The next crawl re-fetches exactly those and the ingest completes the archive.
    archive_server.reset_log()
    summary = run_crawl("replica", database_url=sqlite_url(data_dir / "archive.sqlite3"),
                        warc_dir=data_dir / "warc", jobs_dir=data_dir / "jobs", politeness=FAST,
                        base_url=archive_server.base_url, progress=False)
    assert summary.status == "ok", summary.render()
    res = run_cli(["--data-dir", str(data_dir), "ingest"])
    assert res.code == 0, res
    assert _count(data_dir, Document) == len(archive_server.manifest().documents)


def _ends_past(session, capture_id: int, warc_name: str, cut: int) -> bool:
    original = session.get(Capture, capture_id)
    return original.warc_file == warc_name and original.warc_offset + original.warc_length > cut
