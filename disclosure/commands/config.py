"""``disclosure config``: print the configuration in force and where each value came from."""

from __future__ import annotations

import json

import click

from disclosure.cli import AppContext, pass_app


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    """Show the configuration in force and the source of each value."""
    cfg = app.config
    values = cfg.as_dict()
    if as_json:
        click.echo(json.dumps({k: {"value": str(v) if not isinstance(v, int | float | bool | list) else v,
                                   "source": cfg.sources.get(k, "default")} for k, v in values.items()},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"configuration file: {cfg.config_file or '(none)'}")
    width = max(len(k) for k in values)
    for key, value in values.items():
        click.echo(f"{key:<{width}}  {value!s:<50}  [{cfg.sources.get(key, 'default')}]")
