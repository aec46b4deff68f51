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
@click.argument("profiles", nargs=-1, required=True)
@click.option("--base-url", default=None, callback=_base_url,
              help="Crawl the profile's site at another address (the replica's port).")
@click.option("--max-pages", type=int, default=None, help="Stop after this many responses (a trial run).")
@click.option("--browser", type=click.Choice(["never", "auto", "always"]), default=None,
              help="The browser tier (Chromium) for this crawl, instead of the profile's `browser` (docs/crawler.md).")
@pass_app
def command(app: AppContext, profiles: tuple[str, ...], base_url: str | None, max_pages: int | None,
            browser: str | None) -> None:
    """Crawl portals by profile name (see `disclosure profiles`), profile file, or URL; several at once.

    Each portal keeps its own politeness, lock and summary (`name@http://host:port` gives one its own
    base URL). Exit status (the worst portal's): 0 ok, 1 failed or interrupted, 2 bad arguments, 4 blocked
    by the site (WAF), 5 another crawl of the portal is running, 6 a profile (or the configuration) is
    unusable.
    """
    from crawler.profiles import ProfileError, resolve_profile
    from crawler.run import explicit_politeness, run_crawls
    from disclosure.runner import split_portal

    cfg = app.config
    entries = [split_portal(p, base_url) for p in profiles]
    for name, url in entries:
        try:
            resolve_profile(name, url)  # the worker resolves it again; a bad profile is said here, once
        except ProfileError as exc:
            click.echo(f"configuration error: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
    app.database()  # migrate before the workers start
    summaries = run_crawls(entries, database_url=cfg.database_url, warc_dir=cfg.warc_dir, jobs_dir=cfg.jobs_dir,
                           user_agent=cfg.effective_user_agent(), politeness=cfg.politeness, max_pages=max_pages,
                           explicit_politeness=explicit_politeness(cfg.sources),
                           settings={"DISCLOSURE_BROWSER": browser} if browser else None)
    for summary in summaries:
        if summary.status == "locked":
            click.echo(f"crawl not started: {summary.message}", err=True)
        else:
            click.echo(summary.render())
    sys.exit(worst_exit([EXIT_CODES.get(s.status, EXIT_FAILED) for s in summaries]))


def worst_exit(codes: list[int]) -> int:
    """The exit code of several crawls: a failure outranks a block, which outranks a lock."""
    for code in (EXIT_FAILED, EXIT_BLOCKED, EXIT_LOCKED):
        if code in codes:
            return code
    return EXIT_OK
