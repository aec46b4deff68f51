"""The ``disclosure`` command: one entry point above crawler/, archive/ and search/.

Each subcommand lives in its own module under ``disclosure/commands`` and exposes a click command
named ``command``; they are registered here by discovery, so adding a command is adding a module.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import click

from disclosure import commands as commands_pkg
from disclosure.config import Config, ConfigError, load_config
from disclosure.discovery import discover_commands

# Exit codes shared by every command (documented in README).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PORTAL_FAILED = 3
EXIT_BLOCKED = 4
EXIT_LOCKED = 5
EXIT_CONFIG = 6
EXIT_NO_TEXT = 7  # `disclosure parse`: the file has no text layer (a scan) and OCR is not available


@dataclass
class AppContext:
    """What every subcommand receives: the configuration and lazily opened resources."""

    config_path: str | None
    overrides: dict[str, object] = field(default_factory=dict)
    _config: Config | None = None
    _db: object | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path, self.overrides)
            except ConfigError as exc:
                click.echo(f"configuration error: {exc}", err=True)
                sys.exit(EXIT_CONFIG)
        return self._config

    def database(self):
        """The archive database, migrated to the current schema on first use (exit 6 or 1 with one line
        when it cannot be opened: see :func:`exit_for_database`)."""
        if self._db is None:
            from archive.db import SchemaError, open_database

            url = self.config.database_url
            try:
                self._db = open_database(url)
            except SchemaError as exc:  # a schema this code cannot repair (docs/archive.md, "Schema migrations")
                click.echo(f"database error: {exc}", err=True)
                sys.exit(EXIT_FAILED)
            except Exception as exc:  # noqa: BLE001 - every driver has its own exception types
                exit_for_database(exc, url)
        return self._db


def exit_for_database(exc: BaseException, url: str) -> NoReturn:
    """Say in one line why the database at ``url`` cannot be used and exit: 6 for a bad URL or a missing
    driver (configuration), 1 for a server that does not answer."""
    from disclosure.dberrors import database_problem

    problem = database_problem(exc, url)
    prefix = "configuration error: " if problem.configuration else ""
    click.echo(prefix + problem.message, err=True)
    sys.exit(EXIT_CONFIG if problem.configuration else EXIT_FAILED)


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: $DISCLOSURE_CONFIG, else ./disclosure.toml if present).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Data directory (database, WARC files, index, logs).")
@click.option("-v", "--verbose", count=True, help="More log output on the terminal.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, data_dir: str | None, verbose: int) -> None:
    """Archive, parse, search and check county disclosure platforms (政府信息公开)."""
    logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides: dict[str, object] = {}
    if data_dir:
        overrides["data_dir"] = Path(data_dir)
    ctx.obj = AppContext(config_path=config_path, overrides=overrides)


def _register() -> None:
    for command in discover_commands(commands_pkg):
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
