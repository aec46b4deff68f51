"""The search package's public interface: typed documents, queries and results, and ``open_index``.

The command line, the web interface and exports import only this module; the engines (tantivy, the
default, and Whoosh, pure Python) live behind :class:`SearchIndex` in ``search/engines``.
"""

from __future__ import annotations

from pathlib import Path

from search.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMissingError,
    QuerySyntaxError,
    SearchError,
)
from search.types import FACETS, SearchDocument, SearchHit, SearchIndex, SearchQuery, SearchResult

__all__ = [
    "ENGINES",
    "FACETS",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMissingError",
    "QuerySyntaxError",
    "SearchDocument",
    "SearchError",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "index_exists",
    "open_index",
]

ENGINES = ("tantivy", "whoosh")


def index_exists(path: str | Path) -> bool:
    """True when an index has been created at ``path`` (by any engine)."""
    from search.engines.common import read_marker

    return read_marker(Path(path)) is not None


def open_index(path: str | Path, engine: str = "tantivy", *, create: bool = False,
               writer: bool = False) -> SearchIndex:
    """Open the index at ``path`` with ``engine``.

    ``create`` makes an empty index when none exists; ``writer`` takes the one-writer lock
    (IndexLockedError when another process holds it). Without ``create`` a missing index raises
    IndexMissingError; an unreadable one IndexCorruptError. Readers never need the lock.
    """
    if engine == "tantivy":
        from search.engines.tantivy_engine import TantivyIndex

        return TantivyIndex(Path(path), create=create, writer=writer)
    if engine == "whoosh":
        from search.engines.whoosh_engine import WhooshIndex

        return WhooshIndex(Path(path), create=create, writer=writer)
    raise ValueError(f"unknown search engine {engine!r} (choose from {', '.join(ENGINES)})")
