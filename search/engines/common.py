"""What both engines share: the marker file, the writer lock, prepared documents, filters as AST,
facet plans and result building. Keeping it here is what stops the engines drifting apart."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import FileLock, Timeout

from search.analysis import document_tokens, stream_string
from search.errors import IndexCorruptError, IndexLockedError, QuerySyntaxError
from search.query import (
    And,
    AndMaybe,
    Boost,
    MatchAll,
    Node,
    Not,
    Or,
    Range,
    Text,
    Wildcard,
    parse_query,
    positive_texts,
)
from search.snippets import make_snippet
from search.types import FACETS, SearchDocument, SearchHit, SearchQuery

MARKER = "search-index.json"
# Per engine: a change of an engine's schema bumps its number (search.sync then rebuilds the index).
SCHEMA_VERSIONS = {"tantivy": 4, "whoosh": 2}
# Both engines rank and facet alike (tests/search/test_engines_agree.py): one title boost, one facet → field map.
TITLE_BOOST = 2.0
FACET_FIELDS = {"year": "year", "publisher": "publisher", "kind": "kind"}


def read_marker(path: Path) -> dict | None:
    """The marker an index writes on creation ({engine, schema_version}), or None when absent."""
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(path, f"unreadable {MARKER}: {exc}") from exc


def write_marker(path: Path, engine: str) -> None:
    """Record which engine and schema version built the index at ``path``."""
    tmp = path / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"engine": engine, "schema_version": SCHEMA_VERSIONS[engine]}), encoding="utf-8")
    os.replace(tmp, path / MARKER)


def check_marker(path: Path, engine: str, marker: dict) -> None:
    """Refuse an index built by another engine or schema version."""
    if marker.get("engine") != engine:
        raise IndexCorruptError(path, f"it was built by {marker.get('engine')!r}, not {engine!r}")
    if marker.get("schema_version") != SCHEMA_VERSIONS[engine]:
        raise IndexCorruptError(path, f"schema version {marker.get('schema_version')} is not "
                                      f"{SCHEMA_VERSIONS[engine]}")


def lock_path(path: Path) -> Path:
    """The writer lock file of the index at ``path``: beside it, so a rebuild can swap the directory."""
    return path.parent / f".{path.name}.writer.lock"


class WriterLock:
    """The one-writer-at-a-time lock (an OS lock on a file beside the index; freed if the process dies)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(lock_path(path)))

    def acquire(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise IndexLockedError(self.path) from None

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()


def timestamp(value: dt.datetime | dt.date | None) -> int:
    """Seconds since the epoch of a naive (archive-local) date-time; 0 when unknown."""
    if value is None:
        return 0
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return calendar.timegm(value.replace(tzinfo=None).timetuple())


def from_timestamp(value: int) -> dt.datetime | None:
    return None if not value else dt.datetime(1970, 1, 1) + dt.timedelta(seconds=value)


@dataclass
class PreparedDocument:
    """A document ready for any engine: token strings per indexed field and the stored payload."""

    doc: SearchDocument
    title: str
    body: str  # the whole body, its pieces apart (search.analysis.DocumentTokens)
    rest: str  # the body outside the sections that are slices of it
    sections: dict[int, str]  # sections that are slices of the body
    loose_sections: dict[int, str]  # sections that are not: searchable as sections, not as the body
    publisher_names: str  # token string of the name and aliases, runs kept apart
    published: int
    payload: str


def prepare(doc: SearchDocument, *, width: int = 2) -> PreparedDocument:
    """Tokenise a document once (the costly part of indexing) and encode what results show.

    ``width``: which stream every text field gets, the bigrams (2) or the GRAM-grams (search.analysis).
    """
    names = [n for n in [doc.publisher, *doc.publisher_aliases] if n]
    tokens = document_tokens(doc.body or "", {n: t for n, t in doc.sections.items() if 1 <= n <= 6 and t},
                             width=width)
    return PreparedDocument(
        doc=doc,
        title=stream_string(doc.title or "", width),
        body=tokens.body,
        rest=tokens.rest,
        sections=tokens.sections,
        loose_sections=tokens.loose,
        # A "|" token between names keeps a phrase from running across two of them.
        publisher_names=" | ".join(stream_string(n, width) for n in names),
        published=timestamp(doc.published_at),
        payload=encode_payload(doc, tokens.starts),
    )


def encode_payload(doc: SearchDocument, starts: dict[int, int] | None = None) -> str:
    """The document as stored: a line of JSON with everything but the body, then the body as it is.

    A section that is a slice of the body is stored as its offsets. Why the body outside the JSON:
    escaping 2,000–3,000 characters into JSON was a third of the cost of the payload, at every
    document indexed. ``starts``: where sections were already found in the body (-1: not in it),
    to skip searching again.
    """
    sections = []
    for number, text in sorted(doc.sections.items()):
        start = (starts or {}).get(number)
        if start is None:
            start = doc.body.find(text) if text else -1
        sections.append([number, start, len(text)] if start >= 0 else [number, text])
    head = json.dumps({
        "id": doc.document_id, "title": doc.title, "sections": sections,
        "publisher": doc.publisher, "aliases": doc.publisher_aliases, "year": doc.report_year,
        "kind": doc.kind, "published_at": doc.published_at.isoformat() if doc.published_at else None,
        "portal": doc.portal, "url": doc.url, "version_id": doc.version_id,
        "capture_id": doc.capture_id, "removed": doc.removed,
    }, ensure_ascii=False)
    # json.dumps escapes every newline, so the first one ends the head.
    return f"{head}\n{doc.body or ''}"


def decode_payload(data: str) -> SearchDocument:
    """The SearchDocument an :func:`encode_payload` string describes (or, from an index written before
    the body moved out of the JSON, the one JSON object that held it too)."""
    head, newline, body = data.partition("\n")
    p = json.loads(head)
    if not newline:
        body = p["body"]
    sections = {}
    for item in p["sections"]:
        sections[item[0]] = body[item[1]: item[1] + item[2]] if len(item) == 3 else item[1]
    return SearchDocument(
        document_id=p["id"], title=p["title"], body=body, sections=sections, publisher=p["publisher"],
        publisher_aliases=p["aliases"], report_year=p["year"], kind=p["kind"],
        published_at=dt.datetime.fromisoformat(p["published_at"]) if p["published_at"] else None,
        portal=p["portal"], url=p["url"], version_id=p["version_id"], capture_id=p["capture_id"],
        removed=p["removed"],
    )


def _values(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def _restrict_to_section(node: Node, section: int) -> Node:
    if isinstance(node, Text | Wildcard) and node.field is None:
        return replace(node, field=f"section{section}")
    if isinstance(node, AndMaybe):
        return AndMaybe(_restrict_to_section(node.required, section), _restrict_to_section(node.optional, section))
    if isinstance(node, Boost):
        return Boost(_restrict_to_section(node.child, section), node.factor)
    if isinstance(node, And):
        return And(tuple(_restrict_to_section(c, section) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(_restrict_to_section(c, section) for c in node.children))
    if isinstance(node, Not):
        return Not(_restrict_to_section(node.child, section))
    return node


def _end_of(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day) + dt.timedelta(days=1) - dt.timedelta(seconds=1)


@dataclass
class QueryPlan:
    """The parsed text query plus one AST filter per facet-able dimension."""

    text: Node
    filters: dict[str, Node]  # year | publisher | kind | portal | date → filter
    needles: list[str]

    def main(self) -> Node:
        return self.combined(exclude=None)

    def combined(self, exclude: str | None) -> Node:
        parts = [self.text] + [f for name, f in self.filters.items() if name != exclude]
        parts = [p for p in parts if not isinstance(p, MatchAll)]
        if not parts:
            return MatchAll()
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def base(self) -> Node:
        """The text with the filters that are not facets (portal, date): every facet count is within it."""
        parts = [self.text] + [f for name, f in self.filters.items() if name not in FACETS]
        parts = [p for p in parts if not isinstance(p, MatchAll)]
        if not parts:
            return MatchAll()
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def facet_filters(self, exclude: str | None = None) -> list[Node]:
        """The facet filters (year, publisher, kind) but ``exclude``: what narrows ``base`` per facet."""
        return [f for name, f in self.filters.items() if name in FACETS and name != exclude]

    def facet_groups(self) -> list[tuple[Node, list[str]]]:
        """Which queries compute which facets: each facet counts under every filter but its own."""
        shared = [f for f in FACETS if f not in self.filters]
        groups = [(self.main(), shared)] if shared else []
        groups += [(self.combined(exclude=f), [f]) for f in FACETS if f in self.filters]
        return groups


def plan(q: SearchQuery) -> QueryPlan:
    """Parse the text once and express the filters of ``q`` in the same AST."""
    if q.section is not None and not 1 <= q.section <= 6:
        raise QuerySyntaxError(f"section must be 1–6, not {q.section}", q.text, 0)
    if q.limit < 1 or q.page < 1:
        raise QuerySyntaxError("limit and page must be at least 1", q.text, 0)
    text = parse_query(q.text or "")
    if q.section is not None:
        text = _restrict_to_section(text, q.section)
    filters: dict[str, Node] = {}
    if q.year_from is not None or q.year_to is not None:
        filters["year"] = Range("year", q.year_from, q.year_to, True, True, 0)
    if q.date_from is not None or q.date_to is not None:
        lo = q.date_from if isinstance(q.date_from, dt.datetime) or q.date_from is None else \
            dt.datetime(q.date_from.year, q.date_from.month, q.date_from.day)
        filters["date"] = Range("date", lo, _end_of(q.date_to) if q.date_to else None, True, True, 0)
    for name, value in (("publisher", q.publisher), ("kind", q.kind), ("portal", q.portal)):
        values = _values(value)
        if values:
            nodes = tuple(Text(v, name, name == "publisher", 0) for v in values)
            filters[name] = nodes[0] if len(nodes) == 1 else Or(nodes)
    return QueryPlan(text, filters, [t.text for t in positive_texts(text)
                                     if t.field not in ("kind", "portal", "publisher")])


def wildcard_regex(pattern: str) -> str:
    """A query Wildcard's pattern (``*`` any run, ``?`` one character) as a regular expression."""
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)


def sorted_facet(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Facet values, most frequent first, ties by value (years newest first)."""
    return sorted(((k, v) for k, v in counts.items() if v > 0), key=lambda kv: (-kv[1], _neg(kv[0])))


def _neg(value: str) -> tuple:
    return (0, -int(value)) if value.isdigit() else (1, value)


def build_hit(doc: SearchDocument, score: float, needles: list[str]) -> SearchHit:
    """A result row with its highlighted snippet."""
    return SearchHit(
        document_id=doc.document_id, title=doc.title, publisher=doc.publisher, year=doc.report_year,
        published_at=doc.published_at, url=doc.url, snippet=make_snippet(doc.body or doc.title, needles),
        score=float(score), removed=doc.removed, version_id=doc.version_id, capture_id=doc.capture_id,
    )
