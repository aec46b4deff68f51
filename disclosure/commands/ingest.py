"""``disclosure ingest``: turn pending captures into documents, versions, sections, figures and checks."""

from __future__ import annotations

import click

from disclosure.cli import AppContext, pass_app
from disclosure.commands._ingest_run import run_ingest


@click.command("ingest")
@click.option("--crawl-run", "crawl_run_id", type=int, default=None,
              help="Only captures of this crawl run (its new_documents / new_versions counters are updated).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any capture failed to parse.")
@pass_app
def command(app: AppContext, crawl_run_id: int | None, strict: bool) -> None:
    """Parse and store every pending document and attachment capture (no network).

    Exit status: 0 done; 1 a raw record is damaged (fetched again by the next crawl), the database refused a
    write, or --strict and a capture failed; 5 another ingest of the data directory is running.
    """
    run_ingest(app, only_pending=True, crawl_run_id=crawl_run_id, strict=strict)
