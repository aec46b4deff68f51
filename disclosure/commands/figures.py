"""``disclosure figures``: one statistics figure across units and years (tidy, or units × years)."""

from __future__ import annotations

import sys

import click

from archive.figures_query import figure_rows, parse_years, wide_table
from disclosure.cli import EXIT_USAGE, AppContext, pass_app
from disclosure.commands._output import FORMATS, emit

TIDY = ("portal", "unit", "year", "key", "value", "raw", "measure", "document_id", "url")


@click.command("figures")
@click.option("--key", required=True, help="Canonical key, e.g. requests.new.total; a trailing * takes a prefix.")
@click.option("--year", "years", help="A year or a range: 2021, 2019-2023.")
@click.option("--publisher", "publishers", multiple=True, help="Only this unit (full name or alias; repeatable).")
@click.option("--portal", help="Only this portal (profile name or portal name).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--wide", is_flag=True, help="A units × years matrix instead of one row per figure.")
@pass_app
def command(app: AppContext, key: str, years: str | None, publishers: tuple[str, ...], portal: str | None,
            fmt: str, wide: bool) -> None:
    """Figures of annual reports under one canonical key, across units and years."""
    try:
        span = parse_years(years)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    with app.database().session() as session:
        rows = figure_rows(session, key, years=span, publishers=publishers, portal=portal)
    if not rows:
        click.echo(f"no figures under {key!r}", err=True)
    if wide:
        table = wide_table(rows)
        columns = ["unit", "key", *(str(y) for y in table.years)]
        emit(fmt, columns, [(unit, k, *values) for unit, k, values in table.rows])
        return
    emit(fmt, TIDY, [(r.portal, r.unit, r.report_year, r.key, r.value, r.raw, r.measure, r.document_id, r.url)
                     for r in rows], summary=f"{len(rows)} figures")
