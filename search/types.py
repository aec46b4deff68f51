"""The search package's typed data: documents, queries, hits, results and the index protocol.

Engines import these from here, never from ``search.api`` (which imports the engines): no import circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

FACETS = ("year", "publisher", "kind")


@dataclass
class SearchDocument:
    """What the index holds for one archived document (its current version)."""

    document_id: int
    title: str
    body: str
    sections: dict[int, str] = field(default_factory=dict)  # canonical section number 1–6 → text
    publisher: str | None = None
    publisher_aliases: list[str] = field(default_factory=list)
    report_year: int | None = None
    kind: str = "document"  # annual_report | notice | document
    published_at: dt.datetime | None = None
    portal: str | None = None  # the portal's profile name
    url: str = ""
    version_id: int | None = None
    capture_id: int | None = None
    removed: bool = False  # gone from the portal; still searchable, marked


@dataclass
class SearchQuery:
    """A query: text in the query language plus filters, sort, paging and whether to compute facets.

    ``publisher``, ``kind`` and ``portal`` take one value or several (any of them matches), so a user
    can widen a facet selection. ``publisher`` matches the full name or any alias, or a run of it
    (``民宗局``). ``section`` restricts unfielded words to section N (1–6).

    ``total_bound``: matches are counted exactly up to this many (or up to the end of the requested
    page, when that is further); beyond it an engine may stop counting, report the bound as a lower
    bound and count the facets over a sample of the matches (``SearchResult.total_is_lower_bound``,
    ``facets_sample``; docs/search.md "Bounded totals"). None counts every match.
    """

    text: str = ""
    year_from: int | None = None
    year_to: int | None = None
    publisher: str | Sequence[str] | None = None
    kind: str | Sequence[str] | None = None
    portal: str | Sequence[str] | None = None
    section: int | None = None
    date_from: dt.date | dt.datetime | None = None
    date_to: dt.date | dt.datetime | None = None  # inclusive: a date means up to the end of that day
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 20
    page: int = 1
    facets: bool = True
    total_bound: int | None = 10_000


@dataclass
class SearchHit:
    """One result: what a reader needs to judge it and open the original or the archived copy."""

    document_id: int
    title: str
    publisher: str | None
    year: int | None
    published_at: dt.datetime | None
    url: str
    snippet: str  # HTML: matches in <b>…</b>, every other character escaped
    score: float
    removed: bool
    version_id: int | None
    capture_id: int | None


@dataclass
class SearchResult:
    """Total matches, facet counts (value, count; most frequent first) and the page of hits.

    When more documents match than the query's ``total_bound``, an engine may answer from a sample:
    ``total`` is then a lower bound (``total_is_lower_bound``: "10,000+"), the facets count the
    ``facets_sample`` matches of the sample (None: every match was counted) and the hits are ranked
    among the sample's matches (docs/search.md "Bounded totals").
    """

    total: int
    facets: dict[str, list[tuple[str, int]]]
    hits: list[SearchHit]
    total_is_lower_bound: bool = False
    facets_sample: int | None = None

    @property
    def total_relation(self) -> str:
        """``"gte"`` when ``total`` is a lower bound, ``"eq"`` when it is exact (Elasticsearch's words)."""
        return "gte" if self.total_is_lower_bound else "eq"


class SearchIndex(Protocol):
    """One index on disk, whatever the engine."""

    engine: str
    path: Path

    def add(self, docs: Iterable[SearchDocument]) -> int:
        """Index documents, replacing any held under the same document_id; returns how many."""
        ...

    def remove(self, ids: Iterable[int]) -> None:
        """Delete documents from the index."""
        ...

    def mark_removed(self, ids: Iterable[int]) -> int:
        """Flag documents as removed from the portal (they stay searchable); returns how many."""
        ...

    def search(self, q: SearchQuery) -> SearchResult:
        """Run a query (raises QuerySyntaxError for malformed text)."""
        ...

    def count(self) -> int:
        """Number of documents in the index (as of the last commit)."""
        ...

    def document_ids(self) -> set[int]:
        """Every document_id in the index (as of the last commit)."""
        ...

    def commit(self) -> None:
        """Make pending changes durable and visible to readers."""
        ...

    def close(self) -> None:
        """Release the writer (and its lock) and readers."""
        ...
