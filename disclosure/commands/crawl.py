"""``disclosure crawl PROFILE|URL``: harvest one portal into the archive (WARC files + database)."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click

from disclosure.cli import EXIT_BLOCKED, EXIT_CONFIG, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, AppContext, pass_app

EXIT_CODES = {"ok": EXIT_OK, "failed": EXIT_FAILED, "interrupted": EXIT_FAILED, "blocked": EXIT_BLOCKED,
              "locked": EXIT_LOCKED}


def _base_url(_ctx, _param, value: str | None) -> str | None:
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{value!r} is not an http(s) URL (e.g. http://127.0.0.1:8765)")
    return value


@click.command("crawl")
@click.argument("profile")
@click.option("--base-url", default=None, callback=_base_url,
              help="Crawl the profile's site at another address (the replica's port).")
@click.option("--max-pages", type=int, default=None, help="Stop after this many responses (a trial run).")
@click.option("--browser", type=click.Choice(["never", "auto", "always"]), default=None,
              help="The browser tier (Chromium) for this crawl, instead of the profile's `browser` (docs/crawler.md).")
@pass_app
def command(app: AppContext, profile: str, base_url: str | None, max_pages: int | None,
            browser: str | None) -> None:
    """Crawl a portal by profile name (see `disclosure profiles`), profile file, or URL.

    Exit status: 0 ok, 1 failed or interrupted, 2 bad arguments, 4 blocked by the site (WAF), 5 another
    crawl of the portal is running, 6 the profile (or the configuration) is unusable.
    """
    from crawler.profiles import ProfileError, resolve_profile
    from crawler.run import explicit_politeness, run_crawl

    cfg = app.config
    try:
        resolve_profile(profile, base_url)  # the worker resolves it again; a bad profile is said here, once
    except ProfileError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    app.database()  # migrate before the worker starts
    summary = run_crawl(profile, database_url=cfg.database_url, warc_dir=cfg.warc_dir, jobs_dir=cfg.jobs_dir,
                        user_agent=cfg.effective_user_agent(), politeness=cfg.politeness, base_url=base_url,
                        max_pages=max_pages, explicit_politeness=explicit_politeness(cfg.sources),
                        settings={"DISCLOSURE_BROWSER": browser} if browser else None)
    if summary.status == "locked":
        click.echo(f"crawl not started: {summary.message}", err=True)
    else:
        click.echo(summary.render())
    sys.exit(EXIT_CODES.get(summary.status, EXIT_FAILED))
