"""``disclosure profile draft URL``: infer a site profile from a portal, for a person to review and keep."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from disclosure.cli import EXIT_FAILED, EXIT_USAGE, AppContext, pass_app


@click.group("profile")
def command() -> None:
    """Site profiles: draft one for a portal the project has never seen."""


@command.command("draft")
@click.argument("url")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the profile here (default: stdout).")
@click.option("--name", default=None, help="The profile's name (default: the host name).")
@pass_app
def draft(app: AppContext, url: str, out: str | None, name: str | None) -> None:
    """Survey URL with the zero-configuration crawler (hubs, units, first list pages; no documents) and print the
    profile it inferred as TOML, each value with a comment saying what it was inferred from."""
    from urllib.parse import urlsplit

    from crawler.draft import DraftError, draft_profile, survey_portal
    from crawler.profiles import ProfileError, profile_for_url
    from crawler.run import explicit_politeness

    try:
        auto = profile_for_url(url)
    except ProfileError as exc:
        click.echo(f"usage error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    cfg = app.config
    with tempfile.TemporaryDirectory(prefix="disclosure-survey-") as tmp:
        try:
            survey, summary = survey_portal(url, Path(tmp), user_agent=cfg.effective_user_agent(),
                                            politeness=cfg.politeness, progress=False,
                                            explicit_politeness=explicit_politeness(cfg.sources))
        except DraftError as exc:
            click.echo(f"profile draft failed: {exc}", err=True)
            sys.exit(EXIT_FAILED)
    if not survey.lists:
        click.echo(f"profile draft failed: the survey of {url} found no list of documents "
                   f"({summary.requests} requests; status {summary.status})", err=True)
        sys.exit(EXIT_FAILED)
    text = draft_profile(survey, auto, name or (urlsplit(url).hostname or "portal").replace(".", "-"))
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"profile written to {out}: {len(survey.units)} units, {len(survey.columns)} columns, "
                   f"{len(survey.lists)} lists surveyed in {summary.requests} requests")
    else:
        click.echo(text, nl=False)
