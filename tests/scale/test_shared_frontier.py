"""Two crawler processes share one frontier in Redis (scrapy-redis) and never fetch a URL twice.

The replica server's request log is the witness: every GET path is served once, except /robots.txt (each
process reads robots rules itself; Scrapy fetches it outside the scheduler) and the planted one-shot 500
page (its retry is deliberate).
"""

from __future__ import annotations

import collections
import threading

import pytest
from sqlalchemy import func, select

from archive.db import open_database
from archive.models import Capture
from crawler.distributed import clear_frontier, distributed_settings, merge_into
from crawler.run import run_crawl
from crawler.settings import EXTENSIONS

from .conftest import require_service

AS_OF = "2012-06-30"  # a small portal: the point is the sharing, not the size


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_share_one_frontier(tmp_path, replica, replica_site, postgres_url):
    redis_url = require_service("DISCLOSURE_TEST_REDIS_URL", "Redis")
    frontier = f"test-{tmp_path.name}"
    clear_frontier(redis_url, frontier)
    replica.set_as_of(AS_OF)
    replica.reset_log()
    database_url = postgres_url  # the documented multi-process setup: one PostgreSQL archive
    open_database(database_url).dispose()  # migrate once, before two writers start
    settings = merge_into(distributed_settings(redis_url, frontier, idle_grace=6.0), EXTENSIONS)
    settings.update({"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1})
    summaries = {}

    def crawl(worker: str) -> None:
        # Separate jobs and WARC directories (the per-portal crawl lock and the WARC files are per
        # process); one database and one frontier.
        summaries[worker] = run_crawl("replica", database_url=database_url, warc_dir=tmp_path / worker / "warc",
                                      jobs_dir=tmp_path / worker / "jobs", base_url=replica.base_url,
                                      settings=settings, progress=False)

    threads = [threading.Thread(target=crawl, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    try:
        assert set(summaries) == {"a", "b"}
        for worker, summary in summaries.items():
            assert summary.status == "ok", (worker, summary.render())
            assert summary.pages > 0, f"process {worker} fetched nothing: the frontier was not shared"

        log = replica.request_log
        gets = collections.Counter(r.path for r in log if r.method == "GET")
        retried = {p for p in replica_site.specials.error_once_paths}
        twice = {p: n for p, n in gets.items() if n > 1 and p != "/robots.txt" and p not in retried}
        assert not twice, f"fetched more than once across the two processes: {sorted(twice.items())[:10]}"
        assert gets["/robots.txt"] <= 2

        # Together they fetched the whole portal as of AS_OF: every document's canonical page.
        manifest = replica.manifest(AS_OF)
        served = set(gets)
        base = replica.base_url
        missing = [d.urls[0] for d in manifest.documents if d.urls[0].removeprefix(base) not in served]
        assert not missing, f"{len(missing)} documents never fetched, e.g. {missing[:5]}"
        db = open_database(database_url)
        with db.session() as s:
            runs = s.scalar(select(func.count(func.distinct(Capture.crawl_run_id))))
        db.dispose()
        assert runs == 2
    finally:
        clear_frontier(redis_url, frontier)
