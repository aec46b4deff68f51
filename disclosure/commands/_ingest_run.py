"""What ``disclosure ingest`` and ``disclosure reparse`` share: run the ingest and report it."""

from __future__ import annotations

import datetime as dt
import sys

import click

from disclosure.cli import EXIT_FAILED, EXIT_LOCKED, AppContext


def run_ingest(app: AppContext, *, only_pending: bool, failed_only: bool = False,
               since: dt.datetime | None = None, crawl_run_id: int | None = None, strict: bool = False,
               ocr: bool = True, workers: int = 1, lease_s: float = 600.0) -> None:
    """Process captures from the raw archive (no network) and print the one-line summary.

    ``ocr=False`` (reparse without --ocr) runs no OCR: scans are read from their archived OCR results.

    One ingest at a time per data directory (``ingest_lock``): a second one exits 5 at once. A database
    that refuses writes stops the batch with one line and exit 1.
    """
    from filelock import Timeout

    from archive.ingest import DatabaseUnwritable, process_captures
    from archive.rawstore import RawStore
    from disclosure.runner import ingest_lock

    db = app.database()
    lock = ingest_lock(app.config)
    # PostgreSQL: pending captures are claimed row by row, so ingests may run side by side.
    shared = db.engine.dialect.name == "postgresql" and only_pending and not failed_only
    try:
        if not shared:
            lock.acquire(timeout=0)
    except Timeout:
        click.echo(f"another ingest is running (lock {lock.lock_file}); not starting a second one", err=True)
        sys.exit(EXIT_LOCKED)
    try:
        with RawStore(app.config.warc_dir) as rawstore:
            report = process_captures(db, rawstore, crawl_run_id=crawl_run_id, only_pending=only_pending,
                                      since=since, failed_only=failed_only, ocr=ocr, workers=workers,
                                      lease_s=lease_s)
    except DatabaseUnwritable as exc:
        click.echo(f"ingest stopped: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        if lock.is_locked:
            lock.release()
    click.echo(report.summary())
    from archive.parse.ocr import STATS

    if STATS["pages"] or STATS["reused"]:
        click.echo(f"ocr: {STATS['pages']} page(s) recognised in {STATS['seconds']:.1f} s, "
                   f"{STATS['reused']} read from the archive")
    for problem in report.failed:
        click.echo(f"failed: capture {problem.capture_id} {problem.url}: {problem.reason}", err=True)
    if report.nothing_readable:
        # WARC files elsewhere or gone, a database refusing writes: never a quiet success. (Pages that
        # were read but failed to parse are recorded per capture; --strict makes those an error too.)
        click.echo(f"ingest failed: all {len(report.failed):,} captures tried failed, nothing could be read "
                   f"(first: {report.failed[0].reason})", err=True)
        sys.exit(EXIT_FAILED)
    if report.damaged:
        click.echo(f"{len(report.damaged):,} captures have a damaged raw record (WARC); the next crawl fetches "
                   "them again", err=True)
    if report.damaged or (strict and report.failed):
        sys.exit(EXIT_FAILED)
