"""Several portals crawled side by side in one worker process: each its own crawl, summary and politeness.

Two replica portals and one unreachable one, as three profiles, in one `run_crawls` call with one worker
process (three Scrapy crawlers in one reactor). The dead portal fails alone; the others are crawled, each
into its own crawl run, each capture from its own host.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.models import Capture, CrawlRun
from crawler.run import run_crawls
from disclosure.bench.run import write_profiles
from disclosure.replica.server import ReplicaServer


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def test_portals_crawl_side_by_side_and_a_dead_one_fails_alone(tmp_path, replica, replica_site):
    url = sqlite_url(tmp_path / "archive.sqlite3")
    open_database(url).dispose()
    with ReplicaServer(replica_site) as other:
        urls = [replica.base_url, _dead_url(), other.base_url]
        profiles = write_profiles(tmp_path / "profiles", urls, rate=50)
        summaries = run_crawls([(p, None) for p in profiles], database_url=url, warc_dir=tmp_path / "warc",
                               jobs_dir=tmp_path / "jobs", max_pages=25, processes=1, progress=False,
                               settings={"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 5})
    assert [s.profile for s in summaries] == ["replica01", "replica02", "replica03"]
    assert [s.status for s in summaries] == ["ok", "failed", "ok"], [s.message for s in summaries]
    assert summaries[0].pages >= 25 and summaries[2].pages >= 25
    db = open_database(url)
    with db.session() as session:
        for summary, base in zip(summaries, urls, strict=True):
            run = session.get(CrawlRun, summary.run_id)
            assert run is not None and run.profile == summary.profile
            hosts = {urlsplit(u).netloc for u in session.scalars(
                select(Capture.url).where(Capture.crawl_run_id == summary.run_id))}
            assert hosts <= {urlsplit(base).netloc}, f"{summary.profile} stored another portal's pages: {hosts}"
    db.dispose()
