"""``disclosure index``: bring the full-text search index up to date with the archive database."""

from __future__ import annotations

import sys

import click

from disclosure.cli import EXIT_FAILED, EXIT_LOCKED, AppContext, pass_app
from search.api import ENGINES, IndexLockedError, SearchError


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Build a fresh index from the database alone and swap it in.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Search engine (default: config search_engine).")
@pass_app
def command(app: AppContext, rebuild: bool, engine: str | None) -> None:
    """Index new and changed documents (removed ones stay searchable, marked removed)."""
    from search.sync import sync_index

    engine = engine or app.config.search_engine
    path = app.config.index_dir / engine
    try:
        report = sync_index(app.database(), path, engine, rebuild=rebuild)
    except SearchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LOCKED if isinstance(exc, IndexLockedError) else EXIT_FAILED)
    click.echo(f"{report} ({path})")
