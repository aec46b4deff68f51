"""Faults during a crawl: the portal going away mid-crawl, the archive's disk filling up.

Real crawls of the replica (Scrapy worker process, loopback HTTP, SQLite, WARC). A crawl that lost its server
must not end ok, and the next crawl must complete what it missed; a full disk must stop the crawl promptly with
a clear error, its run recorded as failed, and nothing half-written kept as good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.models import Capture, CrawlRun
from archive.rawstore import RawStore
from crawler.urls import canonical_url
from disclosure.replica.server import ReplicaServer


def _captured(arch) -> set[str]:
    with arch.db().session() as s:
        return set(s.execute(select(Capture.url)).scalars())


def _capture_count(arch) -> int:
    try:
        with arch.db().session() as s:
            return s.execute(select(func.count(Capture.id))).scalar() or 0
    except Exception:  # the worker may still be creating the schema
        return 0


def _crawl_in_background(arch, server: ReplicaServer, *, until_captures: int):
    """Start a crawl in a thread and return once it stored ``until_captures`` captures (or ended); the
    function returned waits for its summary."""
    result = {}
    crawl = threading.Thread(target=lambda: result.setdefault("s", arch.crawl(server)))
    crawl.start()
    deadline = time.monotonic() + 60
    while _capture_count(arch) < until_captures and time.monotonic() < deadline and crawl.is_alive():
        time.sleep(0.05)

    def finish():
        crawl.join(120)
        return result["s"]

    return finish


def test_a_portal_that_goes_away_mid_crawl_fails_the_crawl_and_the_next_one_completes_it(replica_site, archive):
    server = ReplicaServer(replica_site).start()
    port = server.port
    manifest = server.manifest()
    finish = _crawl_in_background(archive, server, until_captures=300)
    server.stop()  # the portal goes away in the middle of the crawl
    first = finish()
    assert first.status == "failed", first.render()
    assert "no answer" in first.message and first.errors.get("connection", 0) > 0
    files = [a.url for d in manifest.documents for a in d.attachments]
    missing_after_first = [u for u in files if canonical_url(u) not in _captured(archive)]
    assert missing_after_first, "the server stopped too late to test anything"

    back = ReplicaServer(replica_site, port=port).start()  # the portal is back
    try:
        second = archive.crawl(back)
    finally:
        back.stop()
    assert second.status == "ok", second.render()
    captured = _captured(archive)
    assert [u for u in files if canonical_url(u) not in captured] == []
    assert [d.urls[0] for d in manifest.documents if canonical_url(d.urls[0]) not in captured] == []
    with archive.db().session() as s:
        statuses = [r.status for r in s.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars()]
    assert statuses == ["failed", "ok"]


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs for the WARC files (root only: CI runs as root)."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the disk-full test needs root to mount a tmpfs")
        pytest.skip("needs root to mount a small tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_crawl_promptly_and_keeps_what_was_stored(replica, archive, small_disk):
    from crawler.run import run_crawl
    from tests.crawler.conftest import FAST

    started = time.monotonic()
    summary = run_crawl("replica", database_url=archive.database_url, warc_dir=small_disk, jobs_dir=archive.jobs_dir,
                        politeness=FAST, base_url=replica.base_url, progress=False)
    elapsed = time.monotonic() - started
    assert summary.status == "failed", summary.render()
    assert "could not be written" in summary.message and "No space left" in summary.message
    assert elapsed < 60
    with archive.db().session() as s:
        run = s.execute(select(CrawlRun)).scalar_one()
        caps = list(s.execute(select(Capture)).scalars())
    assert run.status == "failed" and run.finish_reason == "storage_failed"
    assert caps, "nothing was stored before the disk filled"
    # Every capture the archive counts reads back whole from its WARC record.
    store = RawStore(small_disk)
    for cap in caps:
        raw = store.read(cap.warc_file, cap.warc_offset)
        assert len(raw.body) == cap.size


def _writer_pids(database_url: str) -> list[int]:
    """The archive writer processes of a crawl of this archive: children of its crawl worker."""
    return [pid for pid, _parent in _writers_and_workers(database_url)]


def _writers_and_workers(database_url: str) -> list[tuple[int, int]]:
    """(writer pid, crawl worker pid) of the crawls of this archive."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "crawler.archive_writer" not in cmdline or database_url not in cmdline:
                continue
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            parent = Path(f"/proc/{ppid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if "crawler.run worker" in parent and database_url in parent:
            pids.append((int(proc.name), ppid))
    return pids


def test_a_dead_archive_writer_fails_the_crawl_and_the_next_one_completes_it(replica, archive):
    manifest = replica.manifest()
    finish = _crawl_in_background(archive, replica, until_captures=200)
    writers = _writer_pids(archive.database_url)
    assert len(writers) == 1, writers
    os.kill(writers[0], signal.SIGKILL)  # the writer dies in the middle of the crawl
    first = finish()
    assert first.status == "failed", first.render()
    assert "archive writer process ended" in first.message
    stored = _capture_count(archive)
    assert 200 <= stored < len(manifest.documents), "the writer died too late to test anything"
    # What the archive counts reads back whole; the next crawl stores everything the first one missed.
    with archive.db().session() as s:
        caps = list(s.execute(select(Capture)).scalars())
    store = RawStore(archive.warc_dir)
    assert all(len(store.read(c.warc_file, c.warc_offset, sha256=c.sha256).body) == c.size for c in caps)
    second = archive.crawl(replica)
    assert second.status == "ok", second.render()
    captured = _captured(archive)
    files = [a.url for d in manifest.documents for a in d.attachments]
    assert [u for u in files if canonical_url(u) not in captured] == []
    assert [d.urls[0] for d in manifest.documents if canonical_url(d.urls[0]) not in captured] == []


def test_a_writer_behind_by_its_window_holds_the_crawler_back_and_loses_nothing(replica, archive):
    """With a window of one item and 1 KB, nearly every item waits for the writer to store the one before:
    the crawl still ends ok with every document and file, in the order the spider produced them."""
    manifest = replica.manifest()
    summary = archive.crawl(replica, settings={"DISCLOSURE_ARCHIVE_WRITER_WINDOW": 1,
                                               "DISCLOSURE_ARCHIVE_WRITER_WINDOW_MB": 0.001})
    assert summary.status == "ok", summary.render()
    with archive.db().session() as s:
        stats = s.execute(select(CrawlRun.stats)).scalar_one()
    assert stats.get("disclosure/writer_waits", 0) > len(manifest.documents) / 2
    captured = _captured(archive)
    files = [a.url for d in manifest.documents for a in d.attachments]
    assert [u for u in files if canonical_url(u) not in captured] == []
    assert [d.urls[0] for d in manifest.documents if canonical_url(d.urls[0]) not in captured] == []


def _running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting for init to reap it has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_crawl_worker_leaves_its_writer_to_store_what_it_had_and_exit(replica, archive):
    """kill -9 of the crawl worker alone: its writer reads to the end of what was sent, stores it, closes the
    WARC file and exits by itself (no orphan left running); the archive reads back whole and the next crawl
    completes it."""
    manifest = replica.manifest()
    finish = _crawl_in_background(archive, replica, until_captures=200)
    pairs = _writers_and_workers(archive.database_url)
    assert len(pairs) == 1, pairs
    writer, worker = pairs[0]
    os.kill(worker, signal.SIGKILL)
    finish()
    deadline = time.monotonic() + 30
    while _running(writer) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(writer), "the writer outlived its crawler"
    with archive.db().session() as s:
        caps = list(s.execute(select(Capture)).scalars())
    assert len(caps) >= 200
    store = RawStore(archive.warc_dir)
    assert all(len(store.read(c.warc_file, c.warc_offset, sha256=c.sha256).body) == c.size for c in caps)
    second = archive.crawl(replica)
    assert second.status == "ok", second.render()
    captured = _captured(archive)
    assert [d.urls[0] for d in manifest.documents if canonical_url(d.urls[0]) not in captured] == []
