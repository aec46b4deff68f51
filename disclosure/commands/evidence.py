"""``disclosure evidence UNIT YEAR --out DIR``: the captures proving a timeliness finding, and a statement."""

from __future__ import annotations

import datetime as dt
import sys

import click

from archive.rawstore import RawStore
from archive.timeliness import UnknownPortal, UnknownUnit
from disclosure.cli import EXIT_FAILED, AppContext, pass_app


@click.command("evidence")
@click.argument("unit")
@click.argument("year", type=int)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Directory to write.")
@click.option("--portal", help="Only this portal (profile name or portal name).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Judge as of this date.")
@pass_app
def command(app: AppContext, unit: str, year: int, out_dir: str, portal: str | None,
            as_of: dt.datetime | None) -> None:
    """Write the WARC records, payloads and a statement (statement.md) for UNIT's YEAR report."""
    from archive.evidence import write_evidence

    store = RawStore(app.config.warc_dir)
    try:
        package = write_evidence(app.database(), store, unit, year, out_dir, portal=portal,
                                 as_of=as_of.date() if as_of else None)
    except (UnknownUnit, UnknownPortal) as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        store.close()
    for row in package.rows:
        late = f" ({row.days_late} days late)" if row.status == "late" else ""
        click.echo(f"{row.unit_name} {row.report_year}: {row.status}{late}; flags: {', '.join(row.flags) or 'none'}")
    click.echo(f"{len(package.items)} records written to {package.out_dir / 'evidence.warc.gz'}; "
               f"statement: {package.out_dir / 'statement.md'}")
    bad = [i for i in package.items if not i.verified]
    for item in bad:
        click.echo(f"error: capture {item.capture_id} ({item.url}): {item.error}", err=True)
    if bad:
        sys.exit(EXIT_FAILED)
