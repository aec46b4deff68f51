"""Columns and their per-crawl observations in the archive (``columns``, ``column_observations``).

The spider hands a ``ColumnItem`` for each column's first list page (and each home page) it reads or fails to
read, and tags the list observations of every page of a column with the column's URL; these functions keep
one observation row per column and crawl: its outcome, entry count and newest entry date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.identity import parse_listed_date
from archive.models import Column, ColumnObservation, FetchState, Unit
from crawler.items import ColumnItem


def _column(s: Session, portal_id: int, url: str, at: dt.datetime) -> Column:
    col = s.execute(select(Column).where(Column.portal_id == portal_id, Column.url == url)).scalar()
    if col is None:
        col = Column(portal_id=portal_id, url=url, kind="other", kind_source="default", first_seen_at=at,
                     last_seen_at=at)
        s.add(col)
        s.flush()
    return col


def _observation(s: Session, col: Column, run_id: int | None, at: dt.datetime) -> ColumnObservation:
    obs = s.execute(select(ColumnObservation).where(ColumnObservation.column_id == col.id,
                                                    ColumnObservation.crawl_run_id == run_id)).scalar()
    if obs is None:
        obs = ColumnObservation(column_id=col.id, crawl_run_id=run_id, observed_at=at, outcome="ok", reachable=True,
                                entry_count=0)
        s.add(obs)
    return obs


def record_column(s: Session, portal_id: int, run_id: int | None, item: ColumnItem) -> None:
    """Create or update the column and this crawl's observation of it."""
    col = _column(s, portal_id, item.url, item.observed_at)
    col.name = col.name or item.name
    col.driver = item.driver or col.driver
    col.archive_kind = col.archive_kind or item.archive_kind
    if item.kind_source != "default" or col.kind_source == "default":
        col.kind, col.kind_source = item.kind, item.kind_source
    if col.unit_id is None and item.unit_hint:
        col.unit_id = s.scalar(select(Unit.id).where(Unit.portal_id == portal_id, Unit.name == item.unit_hint))
    obs = _observation(s, col, run_id, item.observed_at)
    fs = s.get(FetchState, item.url)
    obs.observed_at = fs.last_fetched_at if item.outcome == "ok" and fs is not None else item.observed_at
    obs.outcome, obs.status, obs.error = item.outcome, item.status, item.error
    obs.reachable = item.outcome in ("ok", "blocked", "missing")
    if item.status is not None and fs is not None:  # the page as answered (a 503 page is evidence too)
        obs.list_capture_id = fs.last_capture_id
    if item.outcome == "ok":
        col.last_seen_at = max(col.last_seen_at, item.observed_at)


def record_entries(s: Session, portal_id: int, run_id: int | None, column_url: str, seen: set[str],
                   entries: list[tuple[str, str | None]], at: dt.datetime) -> None:
    """Count a list page's entries (url, listed date) for its column; ``seen`` holds the URLs counted so far."""
    col = _column(s, portal_id, column_url, at)
    obs = _observation(s, col, run_id, at)
    for url, listed in entries:
        if url in seen:
            continue
        seen.add(url)
        obs.entry_count = (obs.entry_count or 0) + 1
        when = parse_listed_date(listed)
        if when is not None and (obs.newest_entry_date is None or when.date() > obs.newest_entry_date):
            obs.newest_entry_date, obs.newest_entry_url = when.date(), url
