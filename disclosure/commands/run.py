"""``disclosure run``: the unattended cycle (crawl → ingest → index → timeliness) for each portal."""

from __future__ import annotations

import json
import logging
import sys

import click

from disclosure.cli import AppContext, pass_app
from disclosure.logging_setup import EventLog, EventLogHandler, Progress
from disclosure.runner import RunOptions, format_summary, run_cycle


@click.command("run")
@click.argument("profiles", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (for machines).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when every portal is ok (cron mails only trouble).")
@click.option("--base-url", default=None, help="Base URL of the portal (the `replica` profile needs one).")
@pass_app
def command(app: AppContext, profiles: tuple[str, ...], as_json: bool, quiet: bool, base_url: str | None) -> None:
    """Crawl, ingest, index and check timeliness for each portal (default: the configured `portals`).

    Exit status: 0 all good; 3 a portal failed; 4 blocked by the site; 5 another run holds the lock;
    6 configuration error.
    """
    cfg = app.config
    log = EventLog(cfg.log_file)
    handler = EventLogHandler(log)
    logging.getLogger().addHandler(handler)
    try:
        if log.open_error:
            click.echo(f"warning: {log.open_error}", err=True)
        summary = run_cycle(cfg, RunOptions(profiles=profiles, base_url=base_url, progress=Progress()), log)
    finally:
        logging.getLogger().removeHandler(handler)
        log.close()
    if quiet and summary.exit_code == 0:
        sys.exit(0)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_summary(summary), err=summary.exit_code != 0 and not summary.portals)
    sys.exit(summary.exit_code)
