"""Crawler test helpers: one full crawl of the replica shared by the read-only tests of a module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.db import Database, open_database, sqlite_url
from crawler.run import run_crawl
from crawler.summary import CrawlSummary
from disclosure.config import PolitenessConfig
from disclosure.replica.server import ReplicaServer

# Loopback tests: no delay, no throttling, generous concurrency (politeness is for real servers).
FAST = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                        concurrent_requests_per_ip=16, retry_times=2, download_timeout=20.0)


@dataclass
class Archive:
    """Where one test's crawls store their captures."""

    root: Path

    @property
    def database_url(self) -> str:
        return sqlite_url(self.root / "archive.sqlite3")

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @property
    def jobs_dir(self) -> Path:
        return self.root / "jobs"

    def db(self) -> Database:
        return open_database(self.database_url)

    def crawl(self, server: ReplicaServer, settings: dict | None = None, **kw) -> CrawlSummary:
        return run_crawl("replica", database_url=self.database_url, warc_dir=self.warc_dir,
                         jobs_dir=self.jobs_dir, politeness=FAST, base_url=server.base_url, progress=False,
                         settings={"RETRY_BACKOFF_BASE": 0.1, **(settings or {})}, **kw)


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path)


@pytest.fixture(scope="module")
def module_replica(replica_site):
    """A replica server kept for a whole module (one full crawl feeds several read-only tests)."""
    server = ReplicaServer(replica_site).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def crawled(module_replica, tmp_path_factory):
    """(archive, summary, request log) of one full crawl of the module's replica."""
    module_replica.reset_log()
    arch = Archive(tmp_path_factory.mktemp("crawl"))
    summary = arch.crawl(module_replica)
    return arch, summary, list(module_replica.request_log)
