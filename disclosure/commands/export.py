"""``disclosure export``: tidy tables for researchers (CSV, Parquet or JSON) with a data dictionary."""

from __future__ import annotations

from pathlib import Path

import click

from archive.export import EXPORT_FORMATS, TABLES, export_all
from disclosure.cli import AppContext, pass_app


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: <data dir>/export-<format>).")
@click.option("--table", "tables", multiple=True, type=click.Choice([t.name for t in TABLES]),
              help="Only these tables (repeatable; default: all).")
@pass_app
def command(app: AppContext, fmt: str, out_dir: str | None, tables: tuple[str, ...]) -> None:
    """Export units, documents, sections, figures, checks and timeliness, with README and schema.json."""
    target = Path(out_dir) if out_dir else app.config.data_dir / f"export-{fmt}"
    with app.database().session() as session:
        result = export_all(session, target, fmt, tables or None)
    for name, count in result.rows.items():
        click.echo(f"{name:<11} {count:>9} rows  {result.out_dir / (name + '.' + fmt)}")
    click.echo(f"data dictionary: {result.out_dir / 'README.md'}")
