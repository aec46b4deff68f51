"""``disclosure ingest``: turn pending captures into documents, versions, sections, figures and checks."""

from __future__ import annotations

import click

from disclosure.cli import AppContext, pass_app
from disclosure.commands._ingest_run import run_ingest


@click.command("ingest")
@click.option("--crawl-run", "crawl_run_id", type=int, default=None,
              help="Only captures of this crawl run (its new_documents / new_versions counters are updated).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any capture failed to parse.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes (default: the machine's cores); the writes stay in this process.")
@click.option("--lease", "lease_s", type=click.FloatRange(min=1), default=600, show_default=True,
              help="PostgreSQL: seconds a claimed batch of captures stays this process's if it dies.")
@pass_app
def command(app: AppContext, crawl_run_id: int | None, strict: bool, workers: int | None, lease_s: float) -> None:
    """Parse and store every pending document and attachment capture (no network).

    Exit status: 0 done; 1 a raw record is damaged (fetched again by the next crawl), the database refused a
    write, or --strict and a capture failed; 5 another ingest of the data directory is running (SQLite; on
    PostgreSQL ingest processes, on this machine or others, share the pending captures).
    """
    from archive.parallel import default_workers

    run_ingest(app, only_pending=True, crawl_run_id=crawl_run_id, strict=strict,
               workers=workers or default_workers(), lease_s=lease_s)
