"""A command module that cannot be imported does not take the whole CLI down."""

import importlib
import sys

import click
from click.testing import CliRunner

from disclosure.discovery import discover_commands


def test_broken_module_becomes_an_explaining_stand_in(tmp_path, monkeypatch):
    pkg = tmp_path / "fakecmds"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "good.py").write_text("import click\n@click.command('good')\ndef command():\n    click.echo('ok')\n")
    (pkg / "needs_missing.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module("fakecmds")
    group = click.Group("g")
    for cmd in discover_commands(package):
        group.add_command(cmd)
    runner = CliRunner()
    assert runner.invoke(group, ["good"]).output.strip() == "ok"
    broken = runner.invoke(group, ["needs-missing", "--anything"])
    assert broken.exit_code == 1 and "no_such_dependency_xyz" in broken.output
    sys.modules.pop("fakecmds", None)


def test_every_real_command_module_imports():
    from disclosure import bench, commands

    for package in (commands, bench):
        for cmd in discover_commands(package):
            assert not (cmd.help or "").startswith("(unavailable"), cmd.name
