"""``disclosure crawl PROFILE|URL``: harvest one portal into the archive (WARC files + database)."""

from __future__ import annotations

import sys

import click

from disclosure.cli import EXIT_BLOCKED, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, AppContext, pass_app

EXIT_CODES = {"ok": EXIT_OK, "failed": EXIT_FAILED, "interrupted": EXIT_FAILED, "blocked": EXIT_BLOCKED,
              "locked": EXIT_LOCKED}


@click.command("crawl")
@click.argument("profile")
@click.option("--base-url", default=None, help="Crawl the profile's site at another address (the replica's port).")
@click.option("--max-pages", type=int, default=None, help="Stop after this many responses (a trial run).")
@pass_app
def command(app: AppContext, profile: str, base_url: str | None, max_pages: int | None) -> None:
    """Crawl a portal by profile name (see `disclosure profiles`), profile file, or URL.

    Exit status: 0 ok, 1 failed or interrupted, 4 blocked by the site (WAF), 5 another crawl of the
    portal is running.
    """
    from crawler.run import explicit_politeness, run_crawl

    cfg = app.config
    app.database()  # migrate before the worker starts
    summary = run_crawl(profile, database_url=cfg.database_url, warc_dir=cfg.warc_dir, jobs_dir=cfg.jobs_dir,
                        user_agent=cfg.effective_user_agent(), politeness=cfg.politeness, base_url=base_url,
                        max_pages=max_pages, explicit_politeness=explicit_politeness(cfg.sources))
    if summary.status == "locked":
        click.echo(f"crawl not started: {summary.message}", err=True)
    else:
        click.echo(summary.render())
    sys.exit(EXIT_CODES.get(summary.status, EXIT_FAILED))
