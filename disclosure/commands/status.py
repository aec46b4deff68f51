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


def _verdict(session, profile: str) -> dict | None:
    """The newest stored website-inspection verdict of a portal (``disclosure run`` / ``inspect`` store it)."""
    from archive.inspection import latest_verdict

    snap = latest_verdict(session, profile)
    if snap is None:
        return None
    return {"verdict": snap.verdict, "as_of": snap.as_of.isoformat(), "failed_rules": snap.failed_rules,
            "counts": snap.counts, "computed_at": snap.computed_at.isoformat()}


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
        verdicts = {h.profile: _verdict(session, h.profile) for h in healths}
    if as_json:
        click.echo(json.dumps([{**h.to_dict(), "inspection": verdicts[h.profile]} for h in healths],
                              ensure_ascii=False, indent=2))
    else:
        for h in healths:
            lines = _format(h)
            v = verdicts[h.profile]
            if v is not None:  # after the "archived" line
                lines.insert(4, f"  inspection           {v['verdict']} as of {v['as_of'][:16]}"
                                + (f" (deciding rule: {v['failed_rules'][0]})" if v["failed_rules"] else ""))
            click.echo("\n".join(lines))
    if check and any(h.warnings for h in healths):
        sys.exit(EXIT_PORTAL_FAILED)
