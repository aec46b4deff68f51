"""``disclosure reparse``: rebuild parsed data from the raw archive, idempotently, with no network."""

from __future__ import annotations

import datetime as dt

import click

from disclosure.cli import AppContext, pass_app
from disclosure.commands._ingest_run import run_ingest


@click.command("reparse")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              default=None, help="Only captures fetched on or after this date (YYYY-MM-DD).")
@click.option("--failed", "failed_only", is_flag=True, help="Only retry the captures whose last parse failed.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any capture failed to parse.")
@click.option("--ocr", is_flag=True,
              help="Run OCR again on scanned files (slow); without it their archived OCR text is reused.")
@pass_app
def command(app: AppContext, since: dt.datetime | None, failed_only: bool, strict: bool, ocr: bool) -> None:
    """Re-parse captures from the WARC files; running it twice changes nothing the second time.

    Scanned files (PDF pages without text, images) are not OCR'd again unless --ocr is given: the OCR result
    archived with their version is read instead.

    Exit status: 0 done; 1 a raw record is damaged (fetched again by the next crawl), the database refused a
    write, or --strict and a capture failed; 5 another ingest of the data directory is running.
    """
    run_ingest(app, only_pending=False, failed_only=failed_only, since=since, strict=strict, ocr=ocr)
