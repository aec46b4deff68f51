"""``disclosure inspect``: whole portals under the national website-inspection rules (issue 20)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from archive.inspection import (
    ROW_COLUMNS,
    finding_rows,
    inspect_portals,
    inspection_json,
    store_inspection,
    summary_lines,
)
from archive.timeliness import UnknownPortal
from disclosure.cli import EXIT_FAILED, EXIT_PORTAL_FAILED, AppContext, pass_app
from disclosure.commands._output import FORMATS, emit


@click.command("inspect")
@click.option("--portal", help="Only this portal (profile name or portal name).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Judge as of this date (default: the latest crawl).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False),
              help="Also write the evidence package (list captures of every finding) into this directory.")
@click.option("--store/--no-store", default=None,
              help="Save the verdicts for `disclosure status` (default: yes, unless --as-of is given).")
@click.option("--check", is_flag=True, help="Exit 3 when a portal is judged 不合格 (for monitoring).")
@pass_app
def command(app: AppContext, portal: str | None, as_of: dt.datetime | None, fmt: str, evidence_dir: str | None,
            store: bool | None, check: bool) -> None:
    """Columns not updated, empty columns, reachability and a 合格/不合格 verdict per portal."""
    limits = app.config.inspection
    when = as_of.date() if as_of is not None and as_of.time() == dt.time() else as_of
    db = app.database()
    try:
        with db.session() as session:
            results = inspect_portals(session, portal, when, limits)
            if store if store is not None else as_of is None:
                store_inspection(session, results)
    except UnknownPortal as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(EXIT_FAILED)
    summary = "\n".join(line for r in results for line in summary_lines(r)) or "no portal archived yet"
    emit(fmt, ROW_COLUMNS, finding_rows(results), payload=[inspection_json(r) for r in results], summary=summary)
    if evidence_dir:
        _evidence(app, results, evidence_dir, fmt)
    if check and any(r.failed_rules for r in results):
        sys.exit(EXIT_PORTAL_FAILED)


def _evidence(app: AppContext, results, out_dir: str, fmt: str) -> None:
    from archive.inspection_evidence import write_inspection_evidence
    from archive.rawstore import RawStore

    store = RawStore(app.config.warc_dir)
    try:
        package = write_inspection_evidence(app.database(), store, results, out_dir)
    finally:
        store.close()
    click.echo(f"{len(package.items)} records written to {package.out_dir / 'evidence.warc.gz'}; "
               f"statement: {package.out_dir / 'statement.md'}", err=fmt != "table")
    bad = [i for i in package.items if not i.verified]
    for item in bad:
        click.echo(f"error: capture {item.capture_id} ({item.url}): {item.error}", err=True)
    if bad:
        sys.exit(EXIT_FAILED)

