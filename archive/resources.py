"""Package data as real directories, also when the code runs from a zip (a Scrapyd egg).

Alembic needs its migrations as files in a directory and the crawler globs its profiles; inside an egg
those are zip members, so they are copied out once per process (and removed at exit).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


@cache
def resource_dir(package: str, name: str) -> Path:
    """The directory ``name`` inside ``package``: the package's own folder, or an extracted copy of it."""
    root = files(package) / name
    if isinstance(root, Path):
        return root
    target = Path(tempfile.mkdtemp(prefix=f"{package}-{name}-"))
    atexit.register(shutil.rmtree, target, True)
    _copy(root, target)
    return target


def _copy(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            (target / entry.name).mkdir()
            _copy(entry, target / entry.name)
        elif entry.is_file():
            (target / entry.name).write_bytes(entry.read_bytes())
