"""Errors of the search package; each message says what to do about it."""

from __future__ import annotations

REBUILD_HINT = "run `disclosure index --rebuild`"


class SearchError(Exception):
    """Base of every error the search package raises on purpose."""


class QuerySyntaxError(SearchError):
    """The query text cannot be parsed; ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, query: str, position: int):
        self.query = query
        self.position = position
        self.reason = message
        pointer = f"\n  {query}\n  {' ' * _display_width(query[:position])}^" if query else ""
        super().__init__(f"query syntax error at position {position}: {message}{pointer}")


def _display_width(text: str) -> int:
    # CJK characters take two terminal columns, so the caret lines up under them.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class IndexMissingError(SearchError):
    """No index at the path (never built, or deleted)."""

    def __init__(self, path: object):
        self.path = path
        super().__init__(f"no search index at {path}: build it with `disclosure index`")


class IndexLockedError(SearchError):
    """Another process holds the index's writer lock."""

    def __init__(self, path: object, detail: str = ""):
        self.path = path
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"the search index at {path} is being written by another process{extra}; wait for it to "
            f"finish; the lock is freed when that process ends (if none runs, {REBUILD_HINT})"
        )


class IndexCorruptError(SearchError):
    """The index exists but cannot be read (damaged files, another engine's or schema version's index)."""

    def __init__(self, path: object, detail: str):
        self.path = path
        super().__init__(f"the search index at {path} cannot be read: {detail}; {REBUILD_HINT}")
