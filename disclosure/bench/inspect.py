"""``disclosure bench inspect``: website inspection of a crawled replica archive, seconds per portal.

Crawls the replica (``--scale``, default 10) on a few dates of its time (the planted outage included), or reads
an archive kept by an earlier run (``--archive``), then times ``archive.inspection`` as ``disclosure inspect``
runs it: the inspection as of the latest read, and the quarterly history the web page shows. Loopback politeness.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

DATES = ("2026-04-20", "2026-06-10", "2026-07-15")


def _crawl(root: Path, scale: int, dates: tuple[str, ...]) -> None:
    from archive.db import sqlite_url
    from crawler.run import run_crawl
    from disclosure.config import PolitenessConfig
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    with ReplicaServer(build_site(seed=1, scale=scale)) as server:
        for day in dates:
            server.set_as_of(day)
            started = time.perf_counter()
            summary = run_crawl("replica", database_url=sqlite_url(root / "archive.sqlite3"), warc_dir=root / "warc",
                                jobs_dir=root / "jobs", politeness=fast, base_url=server.base_url, progress=False,
                                settings={"DISCLOSURE_CLOCK": f"{day}T00:00",
                                          "DISCLOSURE_REVALIDATE_AFTER_DAYS": 3650})
            click.echo(f"crawl as of {day}: {summary.status}, {summary.requests} requests in "
                       f"{time.perf_counter() - started:.0f} s")


@click.command("inspect")
@click.option("--scale", default=10, show_default=True, type=int, help="Replica scale to crawl.")
@click.option("--runs", "n_dates", default=len(DATES), show_default=True, type=click.IntRange(1, len(DATES)),
              help="Crawls across replica time (dates 2026-04-20, 2026-06-10, 2026-07-15).")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False), default=None,
              help="Inspect this data directory instead of crawling (an archive kept with --keep).")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="Keep the crawled archive here.")
@click.option("--repeat", default=3, show_default=True, type=int, help="Timed repetitions (the best is reported).")
def command(scale: int, n_dates: int, archive_dir: str | None, keep: str | None, repeat: int) -> None:
    """Seconds per portal for `disclosure inspect` (and its quarterly history) on a crawled replica archive."""
    from sqlalchemy import func, select

    from archive.db import open_database, sqlite_url
    from archive.inspection import inspect_portals, quarterly_history
    from archive.models import Column, ColumnObservation

    if archive_dir:
        root = Path(archive_dir)
        if not (root / "archive.sqlite3").is_file():
            raise click.UsageError(f"no archive.sqlite3 in {root}")
    else:
        root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-inspect-"))
        root.mkdir(parents=True, exist_ok=True)
        _crawl(root, scale, DATES[:n_dates])
    db = open_database(sqlite_url(root / "archive.sqlite3"))
    with db.session() as session:
        columns = session.scalar(select(func.count()).select_from(Column))
        observations = session.scalar(select(func.count()).select_from(ColumnObservation))
        best = history = float("inf")
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            results = inspect_portals(session)
            best = min(best, time.perf_counter() - started)
            started = time.perf_counter()
            for r in results:
                quarterly_history(session, r.portal)
            history = min(history, time.perf_counter() - started)
    per = best / max(1, len(results))
    click.echo(f"archive: {columns} columns, {observations} column observations, {len(results)} portal(s)")
    for r in results:
        click.echo(f"  {r.portal}: {r.columns} columns checked, {len(r.findings)} findings, {r.runs} runs, "
                   f"{r.verdict}" + (f" ({', '.join(r.failed_rules)})" if r.failed_rules else ""))
    click.echo(f"inspect: {per:.3f} s per portal (best of {repeat}); quarterly history: "
               f"{history / max(1, len(results)):.3f} s per portal")
    click.echo(f"archive kept in: {root}" if keep or archive_dir else f"archive: {root}")
