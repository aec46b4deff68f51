"""``disclosure bench``: the shipped benchmarks, one module each in ``disclosure/bench/``.

Each module exposes a click command named ``command``; ``disclosure bench all`` runs every one in turn.
"""

from __future__ import annotations

import click

from disclosure import bench as bench_pkg
from disclosure.discovery import discover_commands


@click.group("bench")
def command() -> None:
    """Run benchmarks (numbers are recorded in docs/performance.md)."""


for _cmd in discover_commands(bench_pkg):
    command.add_command(_cmd)


@command.command("all")
@click.pass_context
def run_all(ctx: click.Context) -> None:
    """Run every benchmark with its default (CI-sized) parameters."""
    for name, sub in sorted(command.commands.items()):
        if name == "all":
            continue
        click.echo(f"== bench {name}")
        ctx.invoke(sub)
