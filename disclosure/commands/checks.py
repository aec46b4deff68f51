"""``disclosure checks``: failed consistency checks of annual reports, per unit and year."""

from __future__ import annotations

import click

from archive.checks_query import failed_checks
from disclosure.cli import AppContext, pass_app
from disclosure.commands._output import FORMATS, emit

COLUMNS = ("portal", "unit", "year", "rule", "detail", "document_id", "url")


@click.command("checks")
@click.option("--year", type=int, help="Report year (default: every year).")
@click.option("--unit", "unit_name", help="Only this unit (full name or alias).")
@click.option("--portal", help="Only this portal (profile name or portal name).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def command(app: AppContext, year: int | None, unit_name: str | None, portal: str | None, fmt: str) -> None:
    """List the consistency rules that failed on each report (current versions)."""
    with app.database().session() as session:
        fails = failed_checks(session, year, portal, unit_name)
    reports = len({c.document_id for c in fails})
    emit(fmt, COLUMNS, [(c.portal, c.unit, c.report_year, c.rule, c.detail, c.document_id, c.url) for c in fails],
         summary=f"{len(fails)} failed checks in {reports} reports")
