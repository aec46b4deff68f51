"""``disclosure db``: the archive database's schema (Alembic migrations)."""

from __future__ import annotations

import sys

import click

from disclosure.cli import EXIT_FAILED, AppContext, exit_for_database, pass_app


@click.group("db")
def command() -> None:
    """Manage the archive database schema."""


@command.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Migrate up to this revision.")
@pass_app
def upgrade_cmd(app: AppContext, revision: str) -> None:
    """Apply pending migrations (other commands do this on first use)."""
    from archive.db import current_revision, make_engine, upgrade

    url = app.config.database_url
    try:  # a URL, driver or server that cannot be used is said as such, not as a failed migration
        make_engine(url).connect().close()
    except Exception as exc:  # noqa: BLE001 - every driver has its own exception types
        exit_for_database(exc, url)
    try:
        upgrade(url, revision)
    except Exception as exc:  # alembic and the driver raise many types; the message is what matters
        click.echo(f"migration failed: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    engine = make_engine(url)
    try:
        click.echo(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()


@command.command("current")
@pass_app
def current_cmd(app: AppContext) -> None:
    """Print the schema revision the database is at (none for an empty database)."""
    from archive.db import current_revision, make_engine

    url = app.config.database_url
    try:
        engine = make_engine(url)
        try:
            click.echo(current_revision(engine) or "none (empty database)")
        finally:
            engine.dispose()
    except Exception as exc:  # noqa: BLE001 - every driver has its own exception types
        exit_for_database(exc, url)
