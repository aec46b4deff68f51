"""``disclosure profiles``: the site profiles the crawler ships (crawler/profiles/*.toml)."""

from __future__ import annotations

import click

from disclosure.cli import EXIT_CONFIG


@click.command("profiles")
@click.option("-v", "--verbose", is_flag=True, help="Show columns, paging and notes of each profile.")
def command(verbose: bool) -> None:
    """List the site profiles `disclosure crawl` accepts."""
    from crawler.profiles import ProfileError, available_profiles

    try:
        profiles = available_profiles()
    except ProfileError as exc:
        click.echo(f"profile error: {exc}", err=True)
        raise SystemExit(EXIT_CONFIG) from exc
    width = max((len(p.name) for p in profiles), default=4)
    for p in profiles:
        dialects = sorted({p.dialect, *(o.dialect for o in p.dialect_overrides)})
        click.echo(f"{p.name:<{width}}  {p.base_url:<32}  {'+'.join(dialects):<12}  {p.title}")
        if verbose:
            for c in p.columns:
                click.echo(f"    column {c.kind}: text {c.link_text} urls {c.url_patterns}")
            click.echo(f"    paging {p.paging}; revalidate after {p.revalidate_after_days} days; "
                       f"deny {p.deny_patterns}")
            if p.politeness:
                click.echo(f"    politeness (unless configured): {p.politeness}")
            if p.notes:
                click.echo(f"    notes: {p.notes.strip()}")
