"""What the spider hands to the pipelines: typed dataclasses (Scrapy accepts dataclass items).

Every item can go through Scrapy's feed exports (``scrapy crawl portal -O items.jsonl``): a response body
is exported as its size and sha256 (field metadata ``serializer``), the bytes themselves are in the WARC files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from archive.rawstore import RawRequest


def request_summary(request: RawRequest | None) -> dict[str, object] | None:
    """What a feed export writes for the request of a capture: method, URL, headers sent, body digest."""
    if request is None:
        return None
    return {"method": request.method, "url": request.url, "headers": [list(h) for h in request.headers],
            "body": body_digest(request.body)}


def body_digest(body: bytes) -> dict[str, object]:
    """What a feed export writes for a response body: its size and sha256 (the WARC record holds the bytes)."""
    return {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


@dataclass
class CaptureItem:
    """One HTTP response to archive (bytes as received, after content decoding)."""

    url: str
    status: int
    headers: list[tuple[str, str]] = field(repr=False)
    body: bytes = field(repr=False, metadata={"serializer": body_digest})
    fetched_at: dt.datetime = field(repr=False)
    content_type: str | None = None
    role: str = "other"  # unit_index | list | document | attachment | other
    column_kind: str | None = None
    unit_hint: str | None = None
    parent_url: str | None = None
    listed_date: str | None = None
    reason: str = ""
    # The request that fetched it (set by crawler.middlewares.RecordRequestMiddleware), for its WARC record.
    request: RawRequest | None = field(default=None, repr=False, metadata={"serializer": request_summary})
    # The browser that rendered this body (its DOM after scripts ran), e.g. "chromium 156.0"; None: as received.
    rendered_by: str | None = None


@dataclass
class NotModifiedItem:
    """A conditional request answered 304: the fetch state is refreshed, nothing is stored."""

    url: str
    fetched_at: dt.datetime
    role: str


@dataclass
class CaptureAlias:
    """A requested URL that redirected to ``target``: it shares the target's fetch state."""

    url: str
    target: str


@dataclass
class ListObservationItem:
    """A list page showed a link to a document at this time (evidence for backdating)."""

    list_url: str
    document_url: str
    listed_title: str | None
    listed_date: str | None
    observed_at: dt.datetime


@dataclass
class ListObservationsItem:
    """Every entry one list page showed, stored in one transaction."""

    list_url: str
    observed_at: dt.datetime
    # (document url, listed title, listed date[, listed publisher]): list APIs name a publisher per entry
    entries: list[tuple[str, str | None, str | None] | tuple[str, str | None, str | None, str | None]]
    column_url: str | None = None  # the column the list page belongs to (its entries count for it)


@dataclass
class ColumnItem:
    """A column (or a home page) read by this crawl, and how the read went (website inspection, issue 20)."""

    url: str
    observed_at: dt.datetime
    name: str | None = None
    unit_hint: str | None = None
    driver: str | None = None  # trs | hanweb | generic | a list API's name
    archive_kind: str | None = None  # annual_report | notice | document; None: observed only
    kind: str = "other"  # inspection kind (archive/columns.py)
    kind_source: str = "default"
    outcome: str = "ok"  # ok | failed | missing | blocked
    status: int | None = None
    error: str | None = None


@dataclass
class UnitItem:
    """A unit named on the platform's unit list."""

    name: str
    column_url: str
    listed_at: dt.datetime
