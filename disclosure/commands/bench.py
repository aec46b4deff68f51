"""``disclosure bench``: the shipped benchmarks, one module each in ``disclosure/bench/``.

Each module exposes a click command named ``command``; ``disclosure bench all`` runs every one in turn.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from disclosure import bench as bench_pkg


@click.group("bench")
def command() -> None:
    """Run benchmarks (numbers are recorded in docs/performance.md)."""


def _modules():
    for info in sorted(pkgutil.iter_modules(bench_pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"disclosure.bench.{info.name}")


for _module in _modules():
    _cmd = getattr(_module, "command", None)
    if isinstance(_cmd, click.Command):
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
