"""Find click commands in a package: one module each, exposing ``command``.

A module whose import fails (a missing optional dependency) becomes a stand-in command that explains the
failure when it is run, so one broken module never takes the whole ``disclosure`` command down with it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import click


def _unavailable(name: str, exc: ImportError) -> click.Command:
    @click.command(name.replace("_", "-"), context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stand_in(args: tuple[str, ...]) -> None:
        raise click.ClickException(f"'{name}' is unavailable: {exc} (reinstall the project: make install)")

    stand_in.help = f"(unavailable: {exc})"
    return stand_in


def discover_commands(package: ModuleType) -> Iterator[click.Command]:
    """The ``command`` of every public module of ``package``, in name order."""
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{package.__name__}.{info.name}")
        except ImportError as exc:
            yield _unavailable(info.name, exc)
            continue
        cmd = getattr(module, "command", None)
        if isinstance(cmd, click.Command):
            yield cmd
