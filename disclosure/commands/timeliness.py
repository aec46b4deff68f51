"""``disclosure timeliness``: who published the annual report on time, late, not at all (issue 6)."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import click

from archive.deadlines import NoDeadlineRule, parse_month_day
from archive.timeliness import (
    TimelinessReport,
    UnknownPortal,
    UnknownUnit,
    history_report,
    store_timeliness,
    timeliness_report,
)
from disclosure.cli import EXIT_FAILED, EXIT_USAGE, AppContext, pass_app
from disclosure.commands._output import FORMATS, emit
from disclosure.commands._timeliness_view import COLUMNS, report_payload, report_rows

log = logging.getLogger(__name__)

def render(report: TimelinessReport, fmt: str) -> None:
    """Print a report as table (with the summary line), CSV or JSON."""
    summary = f"as of {report.as_of:%Y-%m-%d %H:%M}: {report.summary.line()}"
    emit(fmt, COLUMNS, report_rows(report), payload=report_payload(report), summary=summary)


def township_deadlines(profiles: list[str]) -> dict[str, tuple[int, int]]:
    """Township deadlines (month, day) from the site profiles that set one; unknown profiles are skipped."""
    from crawler.profiles import ProfileError, resolve_profile

    out = {}
    for name in profiles:
        try:
            out[name] = parse_month_day(resolve_profile(name).township_deadline)
        except (ProfileError, ValueError) as exc:
            log.debug("no township deadline from profile %s: %s", name, exc)
    return out


@click.command("timeliness")
@click.option("--year", type=int, help="Report year (the year the report covers).")
@click.option("--unit", "unit_name", help="A unit's history across years (full name or alias).")
@click.option("--portal", help="Only this portal (profile name or portal name).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Judge as of this date (default: the latest crawl, else now).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--store/--no-store", default=None,
              help="Save the statuses in the timeliness table (default: yes, unless --as-of is given).")
@pass_app
def command(app: AppContext, year: int | None, unit_name: str | None, portal: str | None,
            as_of: dt.datetime | None, fmt: str, store: bool | None) -> None:
    """Annual reports on time, late, missing, pending or early; edited, backdated, duplicate."""
    if (year is None) == (unit_name is None):
        raise click.UsageError("give exactly one of --year or --unit")
    db = app.database()
    deadlines = township_deadlines([portal] if portal else list(app.config.portals))
    when = as_of.date() if as_of is not None and as_of.time() == dt.time() else as_of
    try:
        with db.session() as session:
            if year is not None:
                report = timeliness_report(session, year, portal, as_of=when, township_deadlines=deadlines)
            else:
                report = history_report(session, unit_name, portal, as_of=when, township_deadlines=deadlines)
            if store if store is not None else as_of is None:
                store_timeliness(session, report.rows)
    except (UnknownPortal, UnknownUnit) as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(EXIT_FAILED)
    except NoDeadlineRule as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    render(report, fmt)
