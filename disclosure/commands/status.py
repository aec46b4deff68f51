"""``disclosure status``: per portal, the last successful run, what is archived, recent errors, warnings."""

from __future__ import annotations

import json
import sys

import click

from disclosure.cli import EXIT_PORTAL_FAILED, AppContext, pass_app
from disclosure.health import PortalHealth, archive_health
from disclosure.runner import split_portal


def _format(h: PortalHealth) -> list[str]:
    lines = [f"{h.profile}",
             f"  last successful run  {h.last_success_at or 'never'}",
             f"  last run             {h.last_run_at or 'never'}"
             + (f" ({h.last_run_status})" if h.last_run_status else ""),
             f"  archived             {h.documents} documents, {h.versions} versions ({h.runs} runs)"]
    if h.pages_by_tier:
        lines.append(f"  last crawl pages     plain tier {h.pages_by_tier.get('plain', 0)}, "
                     f"browser tier {h.pages_by_tier.get('browser', 0)}")
    if h.recent_errors:
        errs = ", ".join(f"{k} {v}" for k, v in sorted(h.recent_errors.items()))
        lines.append(f"  errors (last {len(h.recent_runs)} runs)  {errs}")
    lines.extend(f"  WARNING: {w}" for w in h.warnings)
    return lines


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--check", is_flag=True, help="Exit 3 when any portal has a warning (for monitoring).")
@pass_app
def command(app: AppContext, as_json: bool, check: bool) -> None:
    """Health of each portal's archive: last success, documents, errors, warnings."""
    cfg = app.config
    db = app.database()
    with db.session() as session:
        healths = archive_health(session, [split_portal(p)[0] for p in cfg.portals], expected_interval_hours=cfg.expected_interval_hours)
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in healths], ensure_ascii=False, indent=2))
    else:
        for h in healths:
            click.echo("\n".join(_format(h)))
    if check and any(h.warnings for h in healths):
        sys.exit(EXIT_PORTAL_FAILED)
