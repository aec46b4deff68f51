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


@command.command("check")
@click.argument("profile")
@click.option("--base-url", default=None, help="Check the profile's site at another address (the replica's port).")
@pass_app
def check(app: AppContext, profile: str, base_url: str | None) -> None:
    """Survey the portal with PROFILE and with the zero-configuration crawler (hubs, units, first list pages, no
    documents) and report what the profile misses: units, units without a list, lists with fewer entries.
    Exit 0 when the profile finds at least what zero configuration finds, 1 otherwise."""
    from crawler.draft import DraftError, compare_surveys, survey_portal
    from crawler.profiles import ProfileError, resolve_profile
    from crawler.run import explicit_politeness

    if profile.endswith(".toml"):
        profile = str(Path(profile).resolve())
    try:
        site = resolve_profile(profile, base_url)
    except ProfileError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(6)
    cfg = app.config
    options = dict(user_agent=cfg.effective_user_agent(), politeness=cfg.politeness, progress=False,
                   explicit_politeness=explicit_politeness(cfg.sources))
    with tempfile.TemporaryDirectory(prefix="disclosure-check-") as tmp:
        try:
            mine, _ = survey_portal(profile, Path(tmp) / "profile", base_url=base_url, **options)
            zero, _ = survey_portal(site.start_urls[0], Path(tmp) / "zero", **options)
        except DraftError as exc:
            click.echo(f"profile check failed: {exc}", err=True)
            sys.exit(EXIT_FAILED)
    result = compare_surveys(mine, zero)
    click.echo(f"profile {site.name}: {result.units} units, {result.lists} lists, {result.entries} entries on "
               f"first list pages (zero configuration: {len(zero.units)} units, {len(zero.lists)} lists, "
               f"{sum(f.entries for f in zero.lists.values())} entries)")
    for label, items in (("units the profile misses", result.missing_units),
                         ("units with no list read", result.units_without_list),
                         ("units with fewer first-page entries than zero configuration", result.fewer_entries),
                         ("lists with no entry", result.lists_without_entries)):
        if items:
            click.echo(f"  {label} ({len(items)}): {', '.join(items[:10])}{' …' if len(items) > 10 else ''}")
    click.echo("profile check: ok" if result.ok else "profile check: FAILED (see above)")
    sys.exit(0 if result.ok else EXIT_FAILED)
