"""Incremental crawls: time travel on the replica, the lock, kill -9 and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import unquote, urlsplit

from filelock import FileLock
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture, CrawlRun
from crawler.run import lock_path

T1 = "2026-01-31T00:00"  # two 2025 reports are online then and edited in February
T2 = "2026-11-25T00:00"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def test_advanced_replica_fetches_exactly_new_and_changed_documents(archive, replica):
    replica.set_as_of(T1)
    first = archive.crawl(replica)
    assert first.status == "ok", first.render()
    before = replica.manifest(as_of=T1)
    replica.set_as_of(T2)
    after = replica.manifest(as_of=T2)
    old_ids = {d.id for d in before.documents}
    new_docs = [d for d in after.documents if d.id not in old_ids]
    # Edited between T1 and T2 without a visible change in their list entries (same title and date).
    edited = [d for d in after.documents if d.id in old_ids and any(T1 < v.appears_at[:16] <= T2 for v in d.versions)]
    assert new_docs and edited, "the replica should publish and edit documents between T1 and T2"
    all_docs = {_path(u) for d in after.documents for u in d.urls}

    # Within the revalidation age: exactly the new documents are requested (lists show them).
    replica.reset_log()
    second = archive.crawl(replica)
    assert second.status == "ok", second.render()
    requested = {r.path for r in replica.request_log if r.path in all_docs}
    assert requested == {_path(u) for d in new_docs for u in d.urls}
    assert second.new_documents == len(requested)

    # Revalidation due (age 0): every known page is asked conditionally; exactly the edited ones come back
    # 200 and become new captures (new versions), the rest are 304s and store nothing.
    replica.reset_log()
    third = archive.crawl(replica, settings={"DISCLOSURE_REVALIDATE_AFTER_DAYS": 0})
    assert third.status == "ok", third.render()
    doc_log = [r for r in replica.request_log if r.path in all_docs]
    assert {r.path for r in doc_log} == all_docs - {_path(s.url) for s in after.special_cases
                                                    if s.kind == "not_found"}
    assert {r.path for r in doc_log if r.status == 200} == {_path(u) for d in edited for u in d.urls}
    assert third.not_modified == sum(1 for r in doc_log if r.status == 304) > 0
    assert third.new_versions >= len(edited)
    db = archive.db()
    with db.session() as s:
        for d in edited:
            urls = [d.urls[0]] + [a.url for a in d.attachments]
            rows = s.execute(select(Capture.url, Capture.sha256).where(Capture.url.in_(urls))).all()
            # The old captures stay; what the edit changed (page or replaced file) is a second capture.
            assert len(rows) > len(urls), d.id
            assert len({h for _u, h in rows}) == len(rows), d.id
        # Each changed page's or file's WARC request record shows the conditional request that fetched it.
        changed = [u for d in edited for u in [d.urls[0]] + [a.url for a in d.attachments]]
        third_caps = s.scalars(select(Capture).where(Capture.crawl_run_id == third.run_id,
                                                     Capture.url.in_(changed))).all()
        assert third_caps
        for cap in third_caps:
            request = _request_record(archive.warc_dir / cap.warc_file, cap.warc_offset + cap.warc_length)
            assert request.http_headers.protocol == "GET"
            assert request.http_headers.get_header("If-None-Match") or request.http_headers.get_header(
                "If-Modified-Since"), request.http_headers


def _request_record(path, offset: int):
    """The WARC record at ``offset``: the request record written right after its response."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_type == "request", rec.rec_type
        return rec


def test_second_crawl_while_locked_exits_5(archive, replica, tmp_path):
    archive.jobs_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(archive.jobs_dir, "replica"))):
        env = {**os.environ, "DISCLOSURE_DATA_DIR": str(archive.root)}
        proc = subprocess.run([sys.executable, "-m", "disclosure", "crawl", "replica", "--base-url", replica.base_url],
                              capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 5, proc.stderr
    assert "another crawl of portal 'replica' is running" in proc.stderr
    assert replica.request_log == []


def _capture_set(archive) -> tuple[set[tuple[str, str]], int]:
    db = archive.db()
    with db.session() as s:
        rows = s.execute(select(Capture.url, Capture.sha256)).all()
    return {(u, h) for u, h in rows}, len(rows)


def _start_cli_crawl(archive, replica, config_text: str | None = None) -> subprocess.Popen:
    """``disclosure crawl replica`` in its own session (so a test can signal it alone or with its worker)."""
    env = {**os.environ, "DISCLOSURE_DATA_DIR": str(archive.root)}
    env.pop("DISCLOSURE_CONFIG", None)
    cmd = [sys.executable, "-m", "disclosure"]
    if config_text is not None:
        config = archive.root / "disclosure.toml"
        config.write_text(config_text, encoding="utf-8")
        cmd += ["--config", str(config)]
    cmd += ["crawl", "replica", "--base-url", replica.base_url]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, cwd=archive.root)


def _wait_for_documents(replica, count: int, timeout: float = 60) -> None:
    """Until the replica has served ``count`` document pages (so a crawl is well under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(1 for r in replica.request_log if "/t20" in r.path or "/art/" in r.path) > count:
            return
        time.sleep(0.1)
    raise AssertionError(f"the crawl did not reach {count} document pages in {timeout} s")


def _assert_ends_like_an_uninterrupted_crawl(archive, crawled) -> None:
    reference, full, _log = crawled  # the module's uninterrupted crawl of the same server
    assert full.status == "ok"
    got, n_rows = _capture_set(archive)
    want, _ = _capture_set(reference)
    assert got == want  # same server, so URLs compare as they are
    assert n_rows == len(got)  # no duplicate captures


def _runs(archive) -> list[tuple[str, str | None]]:
    db = archive.db()
    with db.session() as s:
        return [(r.status, r.finish_reason) for r in s.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars()]


def test_kill_9_and_resume_ends_like_an_uninterrupted_crawl(archive, module_replica, crawled):
    replica = module_replica
    replica.reset_log()
    proc = _start_cli_crawl(archive, replica, "[politeness]\ndownload_delay = 0.0\nautothrottle = false\n"
                            "concurrent_requests_per_host = 16\nconcurrent_requests_per_ip = 16\n")
    # Kill the whole process group (CLI and its crawl worker) once some documents are archived.
    _wait_for_documents(replica, 150)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial, _ = _capture_set(archive)
    assert 0 < len(partial)

    resumed = archive.crawl(replica)
    assert resumed.status == "ok", resumed.render()
    _assert_ends_like_an_uninterrupted_crawl(archive, crawled)
    assert [status for status, _reason in _runs(archive)] == ["interrupted", "ok"]


def test_sigterm_and_resume_ends_like_an_uninterrupted_crawl(archive, module_replica, crawled):
    replica = module_replica
    replica.reset_log()
    # No configuration file: the replica profile's own [politeness] makes this crawl fast.
    proc = _start_cli_crawl(archive, replica)
    _wait_for_documents(replica, 150)
    # SIGTERM to the CLI alone, as a service manager stops it: it forwards one SIGTERM to its worker,
    # which finishes the requests in flight and keeps its JOBDIR (a second signal would force a stop).
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 1
    partial, _ = _capture_set(archive)
    assert 0 < len(partial)
    assert _runs(archive) == [("interrupted", "shutdown")]
    assert any((archive.jobs_dir / "replica").iterdir()), "the JOBDIR of a graceful stop is kept"

    resumed = archive.crawl(replica)
    assert resumed.status == "ok", resumed.render()
    assert "resumed an interrupted crawl" in resumed.message
    assert not (archive.jobs_dir / "replica").exists()  # cleared after a normal end
    _assert_ends_like_an_uninterrupted_crawl(archive, crawled)
    assert [status for status, _reason in _runs(archive)] == ["interrupted", "ok"]
