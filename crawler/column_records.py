"""Columns and their per-crawl observations in the archive (``columns``, ``column_observations``).

The spider hands a ``ColumnItem`` for each column's first list page (and each home page) it reads or fails to
read, and tags the list observations of every page of a column with the column's URL; these functions keep
one observation row per column and crawl: its outcome, entry count and newest entry date.

Core statements on one connection (the pipeline's transaction): they run for every list page of a crawl.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update

from archive.identity import parse_listed_date
from archive.models import Column, ColumnObservation, FetchState, Unit
from crawler.items import ColumnItem

COL = Column.__table__
OBS = ColumnObservation.__table__
FS = FetchState.__table__


@dataclass
class ColumnTally:
    """One column's entries counted so far in this crawl (the observation row holds the same figures)."""

    observation_id: int
    seen: set[str] = field(default_factory=set)
    entry_count: int = 0
    newest_date: dt.date | None = None


def _column_id(conn: Connection, portal_id: int, url: str, at: dt.datetime) -> int:
    cid = conn.execute(select(COL.c.id).where(COL.c.portal_id == portal_id, COL.c.url == url)).scalar()
    if cid is None:
        cid = conn.execute(insert(COL).values(portal_id=portal_id, url=url, kind="other", kind_source="default",
                                              first_seen_at=at, last_seen_at=at)).inserted_primary_key[0]
    return cid


def _observation_id(conn: Connection, column_id: int, run_id: int | None, at: dt.datetime) -> int:
    oid = conn.execute(select(OBS.c.id).where(OBS.c.column_id == column_id, OBS.c.crawl_run_id == run_id)).scalar()
    if oid is None:
        oid = conn.execute(insert(OBS).values(column_id=column_id, crawl_run_id=run_id, observed_at=at, outcome="ok",
                                              reachable=True, entry_count=0)).inserted_primary_key[0]
    return oid


def record_column(conn: Connection, portal_id: int, run_id: int | None, item: ColumnItem) -> None:
    """Create or update the column and this crawl's observation of it."""
    cid = _column_id(conn, portal_id, item.url, item.observed_at)
    col = conn.execute(select(COL).where(COL.c.id == cid)).one()
    values: dict = {"name": col.name or item.name, "driver": item.driver or col.driver,
                    "archive_kind": col.archive_kind or item.archive_kind}
    if item.kind_source != "default" or col.kind_source == "default":
        values["kind"], values["kind_source"] = item.kind, item.kind_source
    if col.unit_id is None and item.unit_hint:
        values["unit_id"] = conn.execute(select(Unit.id).where(Unit.portal_id == portal_id,
                                                               Unit.name == item.unit_hint)).scalar()
    if item.outcome == "ok":
        values["last_seen_at"] = max(col.last_seen_at, item.observed_at)
    conn.execute(update(COL).where(COL.c.id == cid).values(**values))
    oid = _observation_id(conn, cid, run_id, item.observed_at)
    fs = conn.execute(select(FS.c.last_fetched_at, FS.c.last_capture_id).where(FS.c.url == item.url)).first()
    obs = {"observed_at": fs.last_fetched_at if item.outcome == "ok" and fs is not None else item.observed_at,
           "outcome": item.outcome, "status": item.status, "error": item.error,
           "reachable": item.outcome in ("ok", "blocked", "missing")}
    if item.status is not None and fs is not None:  # the page as answered (a 503 page is evidence too)
        obs["list_capture_id"] = fs.last_capture_id
    conn.execute(update(OBS).where(OBS.c.id == oid).values(**obs))


def record_entries(conn: Connection, portal_id: int, run_id: int | None, column_url: str,
                   tallies: dict[tuple[int | None, str], ColumnTally], entries: list[tuple[str, str | None]],
                   at: dt.datetime) -> None:
    """Count a list page's entries (url, listed date) for its column; ``tallies`` holds the counts so far, by
    (crawl run, column URL)."""
    tally = tallies.get((run_id, column_url))
    if tally is None:
        oid = _observation_id(conn, _column_id(conn, portal_id, column_url, at), run_id, at)
        row = conn.execute(select(OBS.c.entry_count, OBS.c.newest_entry_date).where(OBS.c.id == oid)).one()
        tally = tallies[(run_id, column_url)] = ColumnTally(oid, entry_count=row.entry_count or 0,
                                                  newest_date=row.newest_entry_date)
    values: dict = {}
    for url, listed in entries:
        if url in tally.seen:
            continue
        tally.seen.add(url)
        tally.entry_count += 1
        values["entry_count"] = tally.entry_count
        when = parse_listed_date(listed)
        if when is not None and (tally.newest_date is None or when.date() > tally.newest_date):
            tally.newest_date = when.date()
            values["newest_entry_date"], values["newest_entry_url"] = tally.newest_date, url
    if values:
        conn.execute(update(OBS).where(OBS.c.id == tally.observation_id).values(**values))
